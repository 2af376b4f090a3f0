import type { CheckpointStore } from './checkpoint-store.port';

let sequence = 0;
/** A consumer name no other test uses, so adapters may share their tables across tests. */
const consumerName = (): string => `consumer-${Date.now()}-${++sequence}`;

/**
 * The behaviour every `CheckpointStore` owes the stream poller, run against each adapter.
 * `create` is given the clock the store must stamp saves with.
 */
export function describeCheckpointStoreContract(
  name: string,
  create: (clock: () => Date) => Promise<CheckpointStore>,
): void {
  describe(`${name} (checkpoint store contract)`, () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    let store: CheckpointStore;

    beforeEach(async () => {
      store = await create(() => now);
    });

    describe('when a consumer has saved nothing', () => {
      it('loads no checkpoints', async () => {
        expect((await store.load(consumerName())).size).toBe(0);
      });
    });

    describe('when a consumer saves a checkpoint per shard', () => {
      it('loads each shard as last saved, stamped with the time of saving', async () => {
        const consumer = consumerName();

        const saved = await store.save(consumer, {
          shardId: 'shard-1',
          sequenceNumber: '100',
          finished: false,
        });
        await store.save(consumer, { shardId: 'shard-2', finished: true });
        await store.save(consumer, { shardId: 'shard-1', sequenceNumber: '250', finished: true });

        expect(saved).toEqual({
          shardId: 'shard-1',
          sequenceNumber: '100',
          finished: false,
          updatedAt: now.toISOString(),
        });
        expect(Object.fromEntries(await store.load(consumer))).toEqual({
          'shard-1': {
            shardId: 'shard-1',
            sequenceNumber: '250',
            finished: true,
            updatedAt: now.toISOString(),
          },
          'shard-2': { shardId: 'shard-2', finished: true, updatedAt: now.toISOString() },
        });
      });
    });

    describe('when two consumers read the same shards', () => {
      it('keeps their checkpoints apart', async () => {
        const projector = consumerName();
        const publisher = consumerName();

        await store.save(projector, { shardId: 'shard-1', sequenceNumber: '7', finished: false });

        expect((await store.load(projector)).get('shard-1')?.sequenceNumber).toBe('7');
        expect((await store.load(publisher)).size).toBe(0);
      });
    });

    describe('when a consumer has more checkpoints than one page of the store holds', () => {
      it('loads them all', async () => {
        const consumer = consumerName();
        const shards = Array.from({ length: 120 }, (_, i) => `shard-${String(i).padStart(3, '0')}`);

        for (const shardId of shards) {
          await store.save(consumer, { shardId, sequenceNumber: shardId, finished: false });
        }

        const loaded = await store.load(consumer);
        expect([...loaded.keys()].sort()).toEqual(shards);
      });
    });
  });
}
