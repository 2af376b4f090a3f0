import type { DynamoDBRecord } from 'aws-lambda';

/** How a consumer took a batch handed to it again. */
export interface BatchRun {
  /** The records it reported failed (from the earliest on, Lambda's batch item failures). */
  failedSequenceNumbers: string[];
  /** The function's own error, when it failed as a whole. */
  error?: string;
}

/**
 * Hands a batch of stream records to the consumer that runs as `functionArn`, exactly as its
 * event source mapping does (a `DynamoDBStreamEvent`), and reports what it could not handle.
 */
export interface ConsumerBatchRunner {
  run(functionArn: string, records: DynamoDBRecord[]): Promise<BatchRun>;
}
