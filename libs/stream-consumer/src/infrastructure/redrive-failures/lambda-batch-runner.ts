import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { BatchRun, ConsumerBatchRunner } from '../../redrive-failures/batch-runner.port';

/** Lambda's limit on a synchronous invocation's payload is 6 MB; stay clear of it. */
const MAX_PAYLOAD_BYTES = 5_000_000;

/**
 * Runs a batch on the deployed consumer: invokes the very function that gave up on it
 * (synchronously, with a `DynamoDBStreamEvent`), so its own code and role handle the records,
 * and reads its `batchItemFailures`. A batch too large for one invocation goes in order, in
 * parts, stopping at the first part with a failure (the records after it were not handled).
 */
export class LambdaBatchRunner implements ConsumerBatchRunner {
  constructor(private readonly lambda: LambdaClient) {}

  async run(functionArn: string, records: DynamoDBRecord[]): Promise<BatchRun> {
    for (const part of partsOf(records)) {
      const run = await this.invoke(functionArn, part);
      if (run.failedSequenceNumbers.length > 0 || run.error !== undefined) return run;
    }
    return { failedSequenceNumbers: [] };
  }

  private async invoke(functionArn: string, records: DynamoDBRecord[]): Promise<BatchRun> {
    const event: DynamoDBStreamEvent = { Records: records };
    const output = await this.lambda.send(
      new InvokeCommand({
        FunctionName: functionArn,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    const text = output.Payload === undefined ? '' : Buffer.from(output.Payload).toString('utf8');
    const everything = records.flatMap((r) => r.dynamodb?.SequenceNumber ?? []).slice(0, 1);
    if (output.FunctionError !== undefined) {
      return {
        failedSequenceNumbers: everything,
        error: functionErrorOf(output.FunctionError, text),
      };
    }
    return { failedSequenceNumbers: batchItemFailuresOf(text, everything) };
  }
}

/**
 * The sequence numbers a consumer's answer reports failed. As for Lambda, an empty or absent list
 * is success, and an answer it cannot read fails the whole batch (`whole`).
 */
export function batchItemFailuresOf(answer: string, whole: string[]): string[] {
  if (answer.trim() === '' || answer.trim() === 'null') return [];
  let response: Partial<DynamoDBBatchResponse> | null;
  try {
    response = JSON.parse(answer) as Partial<DynamoDBBatchResponse> | null;
  } catch {
    return whole;
  }
  const failures = response?.batchItemFailures;
  if (failures === undefined || failures === null) return [];
  if (!Array.isArray(failures)) return whole;
  const identifiers = failures.map((failure) => failure?.itemIdentifier);
  if (identifiers.some((id) => typeof id !== 'string' || id === '')) return whole;
  return identifiers;
}

function functionErrorOf(kind: string, payload: string): string {
  try {
    const { errorType, errorMessage } = JSON.parse(payload) as {
      errorType?: string;
      errorMessage?: string;
    };
    return `${kind}: ${errorType ?? 'Error'}: ${errorMessage ?? payload}`;
  } catch {
    return `${kind}: ${payload}`;
  }
}

function partsOf(records: DynamoDBRecord[]): DynamoDBRecord[][] {
  const parts: DynamoDBRecord[][] = [];
  let part: DynamoDBRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = Buffer.byteLength(JSON.stringify(record));
    if (part.length > 0 && bytes + size > MAX_PAYLOAD_BYTES) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(record);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}
