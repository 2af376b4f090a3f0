import type { ConsumerBatchFailure } from './consumer-failure';
import type { FailureMessage, FailureQueue } from './failure-queue.port';
import type { ConsumerBatchRunner } from './batch-runner.port';
import type { StreamRangeReader } from './stream-range.port';

/** Where a message's batch lies, as every outcome of a batch reports it. */
interface BatchFields {
  messageId: string;
  functionArn: string;
  condition: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

/** What became of one message of the failure queue. */
export type FailureRedriveOutcome =
  /** The consumer handled every record again; the message is deleted. */
  | (BatchFields & { outcome: 'redriven'; records: number })
  /** `dryRun`: the records were read and would be handed over; nothing ran, nothing deleted. */
  | (BatchFields & { outcome: 'would-redrive'; records: number })
  /** The consumer still fails on these records; the message stays for another try. */
  | (BatchFields & {
      outcome: 'still-failing';
      records: number;
      failedSequenceNumbers: string[];
      error?: string;
    })
  /**
   * The stream no longer holds the records. The event store does: `recovery` lists the commands
   * that rebuild what the consumer would have done. The message stays unless told otherwise.
   */
  | (BatchFields & { outcome: 'trimmed'; reason: string; recovery: string[]; deleted: boolean })
  /** Not a failure record Lambda writes for a DynamoDB stream; the message stays. */
  | { outcome: 'malformed'; messageId: string; problem: string; body: string };

export interface RedriveFailuresResult {
  redriven: number;
  wouldRedrive: number;
  stillFailing: number;
  trimmed: number;
  malformed: number;
  outcomes: FailureRedriveOutcome[];
}

export interface RedriveFailuresDependencies {
  queue: FailureQueue;
  stream: StreamRangeReader;
  runner: ConsumerBatchRunner;
  /** The commands that recover a trimmed batch from the event store, for the operator. */
  recovery: (failure: ConsumerBatchFailure) => string[];
}

export interface RedriveFailuresOptions {
  /** Messages taken from the queue in this run (default 100). */
  max?: number;
  /** Read and report; hand nothing to a consumer, delete nothing. */
  dryRun?: boolean;
  /** Delete the messages of trimmed batches once reported (after their recovery is run). */
  deleteTrimmed?: boolean;
}

/**
 * Redrives the batches the stream consumers gave up on in AWS: for each message of the failure
 * queue, reads its range of the events table's stream again, hands exactly those records to the
 * function that failed on them, and deletes the message only when every record succeeded.
 * Messages it leaves are released at once, so the next run (and the queue's alarm) sees them.
 */
export async function redriveConsumerFailures(
  deps: RedriveFailuresDependencies,
  options: RedriveFailuresOptions = {},
): Promise<RedriveFailuresResult> {
  const messages = await deps.queue.receive(options.max ?? 100);
  const outcomes: FailureRedriveOutcome[] = [];
  try {
    for (const message of messages) {
      const outcome = await redriveOne(deps, message, options);
      outcomes.push(outcome);
      const done =
        outcome.outcome === 'redriven' || (outcome.outcome === 'trimmed' && outcome.deleted);
      if (done) await deps.queue.delete(message);
      else await deps.queue.release(message);
    }
  } finally {
    // Anything not reached (a failed delete, say) is released too, rather than hidden a while.
    const reached = new Set(outcomes.map((outcome) => outcome.messageId));
    for (const message of messages) {
      if (!reached.has(message.messageId)) await deps.queue.release(message).catch(() => {});
    }
  }
  const count = (name: FailureRedriveOutcome['outcome']): number =>
    outcomes.filter((outcome) => outcome.outcome === name).length;
  return {
    redriven: count('redriven'),
    wouldRedrive: count('would-redrive'),
    stillFailing: count('still-failing'),
    trimmed: count('trimmed'),
    malformed: count('malformed'),
    outcomes,
  };
}

async function redriveOne(
  deps: RedriveFailuresDependencies,
  message: FailureMessage,
  options: RedriveFailuresOptions,
): Promise<FailureRedriveOutcome> {
  if (message.kind === 'malformed') {
    return {
      outcome: 'malformed',
      messageId: message.messageId,
      problem: message.problem,
      body: message.body,
    };
  }
  const { failure } = message;
  const fields: BatchFields = {
    messageId: message.messageId,
    functionArn: failure.functionArn,
    condition: failure.condition,
    shardId: failure.batch.shardId,
    startSequenceNumber: failure.batch.startSequenceNumber,
    endSequenceNumber: failure.batch.endSequenceNumber,
  };
  let read;
  try {
    read = await deps.stream.read(failure.batch);
  } catch (error) {
    return {
      ...fields,
      outcome: 'still-failing',
      records: 0,
      failedSequenceNumbers: [],
      error: messageOf(error),
    };
  }
  if (read.status === 'trimmed') {
    return {
      ...fields,
      outcome: 'trimmed',
      reason: read.reason,
      recovery: deps.recovery(failure),
      deleted: options.deleteTrimmed === true && options.dryRun !== true,
    };
  }
  const records = read.records.length;
  if (options.dryRun === true) return { ...fields, outcome: 'would-redrive', records };
  try {
    const run = await deps.runner.run(failure.functionArn, read.records);
    if (run.failedSequenceNumbers.length === 0 && run.error === undefined) {
      return { ...fields, outcome: 'redriven', records };
    }
    return {
      ...fields,
      outcome: 'still-failing',
      records,
      failedSequenceNumbers: run.failedSequenceNumbers,
      ...(run.error !== undefined && { error: run.error }),
    };
  } catch (error) {
    return {
      ...fields,
      outcome: 'still-failing',
      records,
      failedSequenceNumbers: [],
      error: messageOf(error),
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
