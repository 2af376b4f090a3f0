import type { FailureQueue } from './failure-queue.port';

/** A queue to test and a way to put a message body on it, as Lambda would. */
export interface FailureQueueFixture {
  queue: FailureQueue;
  put(body: string): Promise<void>;
}

/** A failure record in the shape Lambda writes for a DynamoDB stream batch. */
export function lambdaFailureBody(
  startSequenceNumber: string,
  endSequenceNumber = startSequenceNumber,
): string {
  return JSON.stringify({
    requestContext: {
      requestId: 'c0ffee00-0000-4000-8000-000000000001',
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ledger-ProjectorFunction-AbC123',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 11,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-03-01T12:00:00.000Z',
    DDBStreamBatchInfo: {
      shardId: 'shardId-00000001772366400000-0a1b2c3d',
      startSequenceNumber,
      endSequenceNumber,
      approximateArrivalOfFirstRecord: '2026-03-01T11:59:00Z',
      approximateArrivalOfLastRecord: '2026-03-01T11:59:01Z',
      batchSize: 1,
      streamArn:
        'arn:aws:dynamodb:eu-west-1:123456789012:table/ledger-events/stream/2026-03-01T00:00:00.000',
    },
  });
}

/** The behaviour every `FailureQueue` owes `redriveConsumerFailures`, run against each adapter. */
export function describeFailureQueueContract(
  name: string,
  create: () => Promise<FailureQueueFixture>,
): void {
  describe(`${name} (failure queue contract)`, () => {
    let fixture: FailureQueueFixture;

    beforeEach(async () => {
      fixture = await create();
    });

    describe('when the queue is empty', () => {
      it('receives nothing', async () => {
        expect(await fixture.queue.receive(10)).toEqual([]);
      });
    });

    describe('when Lambda wrote failed batches', () => {
      it('receives each once, parsed, up to the maximum', async () => {
        for (const sequence of ['100', '200', '300'])
          await fixture.put(lambdaFailureBody(sequence));

        const first = await fixture.queue.receive(2);
        const rest = await fixture.queue.receive(10);

        const starts = [...first, ...rest].map((message) =>
          message.kind === 'batch' ? message.failure.batch.startSequenceNumber : message.problem,
        );
        expect(first).toHaveLength(2);
        expect(starts.sort()).toEqual(['100', '200', '300']);
        expect(new Set([...first, ...rest].map((m) => m.messageId)).size).toBe(3);
      });
    });

    describe('when a message is not a failure record', () => {
      it('receives it as malformed, with its body', async () => {
        await fixture.put('{"hello":"world"}');

        const [message] = await fixture.queue.receive(10);

        expect(message).toMatchObject({ kind: 'malformed', body: '{"hello":"world"}' });
      });
    });

    describe('when a received message is deleted', () => {
      it('is gone, and the others come back once released', async () => {
        await fixture.put(lambdaFailureBody('100'));
        await fixture.put(lambdaFailureBody('200'));
        const received = await fixture.queue.receive(10);
        const kept = received.find(
          (m) => m.kind === 'batch' && m.failure.batch.startSequenceNumber === '200',
        )!;
        const done = received.find((m) => m !== kept)!;

        await fixture.queue.delete(done);
        await fixture.queue.release(kept);

        const again = await fixture.queue.receive(10);
        expect(again.map((m) => m.messageId)).toEqual([kept.messageId]);
      });
    });

    describe('when a received message is neither deleted nor released', () => {
      it('stays hidden from the next receive', async () => {
        await fixture.put(lambdaFailureBody('100'));
        await fixture.queue.receive(10);

        expect(await fixture.queue.receive(10)).toEqual([]);
      });
    });
  });
}
