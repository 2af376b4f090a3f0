import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `done()` resolves true; rejects after `timeoutMs` with `what` in the message. */
export async function waitUntilAsync(
  done: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  pollMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}
