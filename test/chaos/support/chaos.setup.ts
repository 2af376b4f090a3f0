// A chaos scenario waits out restarts and lock expiries on a busy machine: minutes, not seconds.
jest.setTimeout(Number(process.env.LEDGER_CHAOS_TIMEOUT_MS ?? 30 * 60_000));
