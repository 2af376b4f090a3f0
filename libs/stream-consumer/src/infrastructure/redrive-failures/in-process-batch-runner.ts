import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { BatchRun, ConsumerBatchRunner } from '../../redrive-failures/batch-runner.port';

/** A stream consumer's Lambda handler (`createLambdaStreamHandler`), or anything that answers alike. */
export type ConsumerStreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/**
 * Runs a batch in this process: hands the `DynamoDBStreamEvent` to the handler that `handlerFor`
 * gives for the failed function (the consumer's own Lambda handler, composed locally), for the
 * local stack and tests.
 */
export class InProcessBatchRunner implements ConsumerBatchRunner {
  constructor(
    private readonly handlerFor: (functionArn: string) => ConsumerStreamHandler | undefined,
  ) {}

  async run(functionArn: string, records: DynamoDBRecord[]): Promise<BatchRun> {
    const handler = this.handlerFor(functionArn);
    const first = records.flatMap((r) => r.dynamodb?.SequenceNumber ?? []).slice(0, 1);
    if (handler === undefined) {
      return { failedSequenceNumbers: first, error: `no consumer here runs ${functionArn}` };
    }
    try {
      // A round trip through JSON, as the event reaches a function.
      const event = JSON.parse(JSON.stringify({ Records: records })) as DynamoDBStreamEvent;
      const response = await handler(event);
      return {
        failedSequenceNumbers: (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier),
      };
    } catch (error) {
      return {
        failedSequenceNumbers: first,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      };
    }
  }
}
