import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { ReplayJob } from '../../jobs/replay-job';
import type { ReplayWorkerEvent } from '../../worker/replay-worker';

/**
 * Hands a recorded job to the replay worker function: an asynchronous (Event) invocation, so the
 * caller returns at once and Lambda retries the invocation if the worker fails to start.
 */
export function replayWorkerDispatcher(
  lambda: LambdaClient,
  functionName: string,
): (job: Pick<ReplayJob, 'replayId'>) => Promise<void> {
  return async (job) => {
    const event: ReplayWorkerEvent = { replayId: job.replayId };
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  };
}
