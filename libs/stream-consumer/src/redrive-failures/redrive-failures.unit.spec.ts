import type { DynamoDBRecord } from 'aws-lambda';
import { InMemoryFailureQueue } from '../infrastructure/redrive-failures/in-memory-failure-queue';
import type { ConsumerBatchRunner } from './batch-runner.port';
import type { StreamRangeReader } from './stream-range.port';
import { lambdaFailureBody } from './failure-queue.contract';
import { redriveConsumerFailures, type RedriveFailuresDependencies } from './redrive-failures';

const recordAt = (sequenceNumber: string): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: sequenceNumber },
});

/** A stream that holds records 100 to 199 and has trimmed everything before. */
const stream: StreamRangeReader = {
  read: (range) => {
    const start = Number(range.startSequenceNumber);
    if (start < 100) return Promise.resolve({ status: 'trimmed', reason: 'older than 24 h' });
    const records = [];
    for (let s = start; s <= Number(range.endSequenceNumber); s++)
      records.push(recordAt(String(s)));
    return Promise.resolve({ status: 'read', records });
  },
};

describe('redriveConsumerFailures', () => {
  let queue: InMemoryFailureQueue;
  let handed: string[][];
  let failing: Set<string>;
  let deps: RedriveFailuresDependencies;

  beforeEach(() => {
    queue = new InMemoryFailureQueue();
    handed = [];
    failing = new Set();
    const runner: ConsumerBatchRunner = {
      run: (_arn, records) => {
        const sequences = records.map((r) => r.dynamodb!.SequenceNumber!);
        handed.push(sequences);
        const first = sequences.find((s) => failing.has(s));
        return Promise.resolve({ failedSequenceNumbers: first === undefined ? [] : [first] });
      },
    };
    deps = { queue, stream, runner, recovery: () => ['ledger replay rebuild --in-place'] };
  });

  describe('when messages point at records the stream holds', () => {
    it('hands each range over once and deletes only the messages whose records all succeeded', async () => {
      await queue.put(lambdaFailureBody('100', '102'));
      await queue.put(lambdaFailureBody('110', '111'));
      failing.add('111');

      const result = await redriveConsumerFailures(deps);

      expect(handed).toEqual([
        ['100', '101', '102'],
        ['110', '111'],
      ]);
      expect(result).toMatchObject({ redriven: 1, stillFailing: 1, trimmed: 0, malformed: 0 });
      expect(result.outcomes[1]).toMatchObject({
        outcome: 'still-failing',
        failedSequenceNumbers: ['111'],
      });
      expect(queue.bodies()).toEqual([lambdaFailureBody('110', '111')]);
    });
  });

  describe('with a maximum', () => {
    it('takes no more messages than that', async () => {
      for (const s of ['100', '120', '140']) await queue.put(lambdaFailureBody(s));

      const result = await redriveConsumerFailures(deps, { max: 2 });

      expect(result.outcomes).toHaveLength(2);
      expect(queue.bodies()).toEqual([lambdaFailureBody('140')]);
    });
  });

  describe('when the runner itself fails (the function cannot be invoked)', () => {
    it('reports the batch still failing with the error and keeps the message', async () => {
      deps.runner = { run: () => Promise.reject(new Error('AccessDeniedException: not allowed')) };
      await queue.put(lambdaFailureBody('100'));

      const result = await redriveConsumerFailures(deps);

      expect(result.outcomes).toEqual([
        expect.objectContaining({
          outcome: 'still-failing',
          error: 'Error: AccessDeniedException: not allowed',
        }),
      ]);
      expect(await queue.receive(10)).toHaveLength(1);
    });
  });

  describe('with dryRun and deleteTrimmed', () => {
    it('deletes nothing, not even a trimmed batch', async () => {
      await queue.put(lambdaFailureBody('5'));
      await queue.put(lambdaFailureBody('100'));

      const result = await redriveConsumerFailures(deps, { dryRun: true, deleteTrimmed: true });

      expect(result).toMatchObject({ wouldRedrive: 1, trimmed: 1 });
      expect(result.outcomes[0]).toMatchObject({
        outcome: 'trimmed',
        deleted: false,
        recovery: ['ledger replay rebuild --in-place'],
      });
      expect(handed).toEqual([]);
      expect(queue.bodies()).toHaveLength(2);
    });
  });
});
