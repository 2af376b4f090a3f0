import {
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type DynamoDBStreamsClient,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { SharedStreamTail } from './shared-stream-tail';

const ARN = 'arn:aws:dynamodb:eu-west-1:000000000000:table/events/stream/x';
const SHARD = 'shard-1';

/**
 * A shard in memory behind the two Streams calls the tail makes: iterators are positions, and
 * `closed` ends the shard after its last record.
 */
class FakeShard {
  readonly records: _Record[] = [];
  closed = false;
  getRecords = 0;
  iterators = 0;
  expireNext = false;

  append(count: number): void {
    for (let i = 0; i < count; i++) {
      const seq = String(this.records.length + 1).padStart(6, '0');
      this.records.push({ eventName: 'INSERT', dynamodb: { SequenceNumber: seq } });
    }
  }

  readonly client = {
    send: (command: unknown): Promise<unknown> => {
      if (command instanceof GetShardIteratorCommand) {
        this.iterators += 1;
        const after = command.input.SequenceNumber!;
        const index = this.records.findIndex((r) => r.dynamodb!.SequenceNumber === after);
        return Promise.resolve({ ShardIterator: String(index + 1) });
      }
      if (command instanceof GetRecordsCommand) {
        this.getRecords += 1;
        if (this.expireNext) {
          this.expireNext = false;
          return Promise.reject(
            new ExpiredIteratorException({ message: 'expired', $metadata: {} }),
          );
        }
        const from = Number(command.input.ShardIterator);
        const records = this.records.slice(from, from + (command.input.Limit ?? 1000));
        const next = from + records.length;
        const atEnd = next === this.records.length;
        return Promise.resolve({
          Records: records,
          NextShardIterator: this.closed && atEnd ? undefined : String(next),
        });
      }
      return Promise.reject(new Error('unexpected command'));
    },
  } as unknown as DynamoDBStreamsClient;
}

const seq = (n: number): string => String(n).padStart(6, '0');
const seqsOf = (records: _Record[] | undefined): string[] =>
  (records ?? []).map((r) => r.dynamodb!.SequenceNumber!);

describe('SharedStreamTail', () => {
  it('hands a second poller at the same position the records the first one read', async () => {
    const shard = new FakeShard();
    shard.append(1);
    const tail = new SharedStreamTail(shard.client, { minReadGapMs: 0 });
    shard.append(3);

    const first = await tail.read(ARN, SHARD, seq(1), 1000);
    const second = await tail.read(ARN, SHARD, seq(1), 1000);

    expect(seqsOf(first?.records)).toEqual([seq(2), seq(3), seq(4)]);
    expect(seqsOf(second?.records)).toEqual([seq(2), seq(3), seq(4)]);
    expect(shard.getRecords).toBe(1);
  });

  it('hands a poller at most its limit, from its own position among the kept records', async () => {
    const shard = new FakeShard();
    shard.append(6);
    const tail = new SharedStreamTail(shard.client, { minReadGapMs: 0 });

    await tail.read(ARN, SHARD, seq(1), 1000);
    const middle = await tail.read(ARN, SHARD, seq(3), 2);

    expect(seqsOf(middle?.records)).toEqual([seq(4), seq(5)]);
    expect(shard.getRecords).toBe(1);
  });

  it('answers undefined for a position it does not hold, and for none', async () => {
    const shard = new FakeShard();
    shard.append(5);
    const tail = new SharedStreamTail(shard.client, { minReadGapMs: 0 });
    await tail.read(ARN, SHARD, seq(3), 1000);

    expect(await tail.read(ARN, SHARD, seq(1), 1000)).toBeUndefined();
    expect(await tail.read(ARN, SHARD, undefined, 1000)).toBeUndefined();
  });

  it('drops the oldest records past its bound: a poller whose position went with them reads on its own', async () => {
    const shard = new FakeShard();
    shard.append(1);
    const tail = new SharedStreamTail(shard.client, { minReadGapMs: 0, maxBuffered: 4 });
    shard.append(10);

    const dropped = await tail.read(ARN, SHARD, seq(1), 1000);
    const kept = await tail.read(ARN, SHARD, seq(7), 1000);

    expect(dropped).toBeUndefined();
    expect(seqsOf(kept?.records)).toEqual([seq(8), seq(9), seq(10), seq(11)]);
    expect(shard.getRecords).toBe(1);
  });

  it('says the shard is finished only with its last record', async () => {
    const shard = new FakeShard();
    shard.append(4);
    shard.closed = true;
    const tail = new SharedStreamTail(shard.client, { minReadGapMs: 0 });

    const some = await tail.read(ARN, SHARD, seq(1), 2);
    const rest = await tail.read(ARN, SHARD, seq(3), 2);

    expect(some).toEqual({ records: expect.any(Array), finished: false });
    expect(seqsOf(rest?.records)).toEqual([seq(4)]);
    expect(rest?.finished).toBe(true);
  });

  it('lets a closed shard go once a poller has its last record; a later one opens it again', async () => {
    const shard = new FakeShard();
    shard.append(3);
    shard.closed = true;
    const tail = new SharedStreamTail(shard.client, { minReadGapMs: 0 });

    const last = await tail.read(ARN, SHARD, seq(1), 1000);
    const later = await tail.read(ARN, SHARD, seq(1), 1000);

    expect(last).toEqual({ records: expect.any(Array), finished: true });
    expect(seqsOf(later?.records)).toEqual([seq(2), seq(3)]);
    expect(later?.finished).toBe(true);
    expect(shard.iterators).toBe(2);
  });

  it('forgets a shard whose iterator expired, and opens it again at the next caller position', async () => {
    const shard = new FakeShard();
    shard.append(2);
    const tail = new SharedStreamTail(shard.client, { minReadGapMs: 0 });
    await tail.read(ARN, SHARD, seq(1), 1000);
    shard.append(2);
    shard.expireNext = true;

    const expired = await tail.read(ARN, SHARD, seq(2), 1000);
    const again = await tail.read(ARN, SHARD, seq(2), 1000);

    expect(expired).toBeUndefined();
    expect(seqsOf(again?.records)).toEqual([seq(3), seq(4)]);
  });

  describe('when pollers come one after another', () => {
    beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-03T10:00:00Z') }));
    afterEach(() => jest.useRealTimers());

    it('reads the shard at most once per gap for them all, and at once after a full batch', async () => {
      const shard = new FakeShard();
      shard.append(1);
      const tail = new SharedStreamTail(shard.client, { minReadGapMs: 50, batchSize: 2 });
      await tail.read(ARN, SHARD, seq(1), 2);
      shard.append(1);

      // Two pollers within the gap after a read that was not full: they wait for it to pass,
      // then share one read.
      jest.advanceTimersByTime(20);
      const first = tail.read(ARN, SHARD, seq(1), 2);
      const second = tail.read(ARN, SHARD, seq(1), 2);
      await jest.advanceTimersByTimeAsync(29);
      const readsBeforeTheGap = shard.getRecords;
      await jest.advanceTimersByTimeAsync(1);
      const shared = await Promise.all([first, second]);
      // A full batch: the next read comes at once, with no wait.
      jest.advanceTimersByTime(60);
      shard.append(3);
      const full = await tail.read(ARN, SHARD, seq(2), 2);
      const next = await tail.read(ARN, SHARD, seq(4), 2);

      expect(readsBeforeTheGap).toBe(1);
      expect(shared.map((read) => seqsOf(read?.records))).toEqual([[seq(2)], [seq(2)]]);
      expect(seqsOf(full?.records)).toEqual([seq(3), seq(4)]);
      expect(seqsOf(next?.records)).toEqual([seq(5)]);
      expect(shard.getRecords).toBe(4);
    });
  });
});
