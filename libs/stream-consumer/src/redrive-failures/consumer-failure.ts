/**
 * What Lambda writes to a stream consumer's on-failure destination for a batch it gave up on
 * (template.yaml: StreamConsumersDeadLetterQueue): no data, only where the batch lies in the
 * stream and which function failed on it.
 */
export interface ConsumerBatchFailure {
  /** The consumer function that gave up (the one a redrive invokes again). */
  functionArn: string;
  /** Why Lambda gave up: `RetryAttemptsExhausted`, `RecordAgeExceeded`, ... */
  condition: string;
  /** When Lambda gave up, as it wrote it. */
  timestamp?: string;
  batch: StreamBatchPointer;
}

/** A batch's place in the events table's stream: one shard, a range of sequence numbers. */
export interface StreamBatchPointer {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  /** ISO-8601 times the first and last records reached the stream. */
  approximateArrivalOfFirstRecord: string;
  approximateArrivalOfLastRecord: string;
  batchSize: number;
}

/** A parsed message: a failed batch, or why the body is not one. */
export type ParsedConsumerFailure =
  { kind: 'batch'; failure: ConsumerBatchFailure } | { kind: 'malformed'; problem: string };

const SEQUENCE_NUMBER = /^\d{1,40}$/;

/**
 * Reads the body of an on-failure message as Lambda writes it for a DynamoDB stream
 * (`requestContext`, `DDBStreamBatchInfo`); anything else is malformed, with the reason.
 */
export function parseConsumerFailure(body: string): ParsedConsumerFailure {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return malformed('the body is not JSON');
  }
  if (!isObject(document)) return malformed('the body is not a JSON object');
  const context = document.requestContext;
  const info = document.DDBStreamBatchInfo;
  if (!isObject(info))
    return malformed('it has no DDBStreamBatchInfo (not a DynamoDB stream failure)');
  if (!isObject(context)) return malformed('it has no requestContext');
  const functionArn = context.functionArn;
  if (typeof functionArn !== 'string' || !functionArn.includes(':function:')) {
    return malformed('requestContext.functionArn is not a Lambda function ARN');
  }
  const problems: string[] = [];
  const text = (name: string): string => {
    const value = info[name];
    if (typeof value !== 'string' || value === '') problems.push(`DDBStreamBatchInfo.${name}`);
    return typeof value === 'string' ? value : '';
  };
  const streamArn = text('streamArn');
  const shardId = text('shardId');
  const startSequenceNumber = text('startSequenceNumber');
  const endSequenceNumber = text('endSequenceNumber');
  const first = text('approximateArrivalOfFirstRecord');
  const last = text('approximateArrivalOfLastRecord');
  const batchSize = info.batchSize;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
    problems.push('DDBStreamBatchInfo.batchSize');
  }
  if (problems.length > 0) return malformed(`missing or empty: ${problems.join(', ')}`);
  if (!SEQUENCE_NUMBER.test(startSequenceNumber) || !SEQUENCE_NUMBER.test(endSequenceNumber)) {
    return malformed('a sequence number is not a decimal number');
  }
  if (BigInt(startSequenceNumber) > BigInt(endSequenceNumber)) {
    return malformed('startSequenceNumber is after endSequenceNumber');
  }
  if (Number.isNaN(Date.parse(first)) || Number.isNaN(Date.parse(last))) {
    return malformed('an approximateArrival time is not a time');
  }
  return {
    kind: 'batch',
    failure: {
      functionArn,
      condition: typeof context.condition === 'string' ? context.condition : 'unknown',
      ...(typeof document.timestamp === 'string' && { timestamp: document.timestamp }),
      batch: {
        streamArn,
        shardId,
        startSequenceNumber,
        endSequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first).toISOString(),
        approximateArrivalOfLastRecord: new Date(last).toISOString(),
        batchSize: batchSize as number,
      },
    },
  };
}

/** Compares two stream sequence numbers (decimal strings of any length). */
export function compareSequenceNumbers(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}

/** The function's name: the last part of its ARN (without a version or alias). */
export function functionNameOf(functionArn: string): string {
  return functionArn.split(':function:')[1]?.split(':')[0] ?? functionArn;
}

function malformed(problem: string): ParsedConsumerFailure {
  return { kind: 'malformed', problem };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
