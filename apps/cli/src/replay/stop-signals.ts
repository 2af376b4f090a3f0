/** The exit code of a long command the user interrupted twice (128 + SIGINT). */
const INTERRUPTED_EXIT_CODE = 130;

/**
 * For a long command that stops cleanly (a replay, a bulk reconcile): calls `stop` on the first
 * SIGINT or SIGTERM; a second one quits at once. Returns an unsubscribe.
 */
export function onStopSignals(stop: () => void): () => void {
  let stopping = false;
  const handler = (): void => {
    if (stopping) process.exit(INTERRUPTED_EXIT_CODE);
    stopping = true;
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
