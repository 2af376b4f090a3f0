// Tiers that touch a real engine get a longer per-test budget than Jest's 5 s default.
jest.setTimeout(Number(process.env.LEDGER_TEST_TIMEOUT_MS ?? 60_000));
