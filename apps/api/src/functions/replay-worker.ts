import type { Context } from 'aws-lambda';
import { workOnReplay, type ReplayWorkOutcome, type ReplayWorkerEvent } from '@ledger/replay';
import { composeReplayWorker, type ReplayWorkerRoot } from '../composition/replay-worker.root';

/** Stop this long before the invocation's end: save the checkpoint, hand the rest on. */
const STOP_MARGIN_MS = 60_000;

let composed: ReplayWorkerRoot | undefined;

/**
 * The replay worker: runs one admin-API replay job for as long as this invocation may, then
 * invokes itself again (asynchronously) to go on from the job's checkpoint.
 */
export const handler = async (
  event: ReplayWorkerEvent,
  context: Context,
): Promise<{ replayId: string; outcome: ReplayWorkOutcome }> => {
  // Composed on the first invocation (the configuration and its secrets read once); a failed
  // composition is tried again by the next one.
  composed ??= await composeReplayWorker();
  const dispatch = composed.dispatcherFor(context.invokedFunctionArn);
  const continueLater = (replayId: string): Promise<void> => dispatch({ replayId });
  const outcome = await workOnReplay(
    { ...composed.dependencies, owner: context.awsRequestId, continueLater },
    event.replayId,
    () => context.getRemainingTimeInMillis(),
    STOP_MARGIN_MS,
  );
  return { replayId: event.replayId, outcome };
};
