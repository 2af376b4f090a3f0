/** How long a test waits for a condition by default: generous, as CI shares 2 cores with other work. */
export const DEFAULT_WAIT_MS = Number(process.env.LEDGER_TEST_WAIT_MS ?? 30_000);

export interface WaitOptions {
  /** Give up after this long (default {@link DEFAULT_WAIT_MS}). */
  timeoutMs?: number;
  /** Pause between two looks (default 25 ms). */
  intervalMs?: number;
  /** What is awaited, for the message when it never happens. */
  what?: string;
}

/**
 * Polls `condition` until it holds, so a test waits on what it needs rather than on a fixed
 * sleep; fails with `what` once `timeoutMs` has passed without it.
 */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = DEFAULT_WAIT_MS, intervalMs = 25, what = 'the condition' }: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
