/**
 * The contract of the `EventStore` port, one suite run against every adapter (in memory as a unit
 * spec, DynamoDB Local as an int spec), so the twin cannot drift from the real store.
 */
import { retryOnConflict } from './append/retry-on-conflict';
import {
  ConcurrencyConflictError,
  EventTooLargeError,
  IdempotencyKeyReusedError,
  InvalidAppendError,
} from './errors';
import type { StoredEvent } from './event';
import type { EventStore } from './event-store.port';
import type { GlobalEventLog } from './global-event-log.port';
import { UpcasterChain, type Upcaster } from './upcasting/upcaster';

/** An adapter under test: written through its event store, read globally through its log. */
export interface EventStoreUnderTest {
  store: EventStore;
  log: GlobalEventLog;
  close(): Promise<void>;
}

export type EventStoreFactory = (options: {
  clock: () => Date;
  upcasters?: UpcasterChain;
}) => Promise<EventStoreUnderTest>;

/** A shape change as a release would make one: `name` split into `firstName` and `lastName`. */
export const contractUpcasters = new UpcasterChain([
  {
    type: 'CustomerSignedUp',
    fromVersion: 1,
    toVersion: 2,
    upcast: ({ name, ...rest }) => {
      const [firstName, ...others] = String(name).split(' ');
      return { ...rest, firstName, lastName: others.join(' ') };
    },
  } satisfies Upcaster,
]);

async function collect(iterable: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of iterable) events.push(event);
  return events;
}

/** Runs the event-store contract against the adapter `factory` makes. */
export function describeEventStoreContract(adapter: string, factory: EventStoreFactory): void {
  describe(`EventStore contract: ${adapter}`, () => {
    let subject: EventStoreUnderTest;
    let store: EventStore;
    let now = new Date('2026-04-01T10:00:00.000Z');

    beforeAll(async () => {
      subject = await factory({ clock: () => now, upcasters: contractUpcasters });
      store = subject.store;
    });

    afterAll(() => subject.close());

    const count = async (streamId: string): Promise<number> =>
      (await collect(store.readWholeStream(streamId))).length;

    describe('when a stream is new', () => {
      it('appends events at versions 1..n and reads them back in order', async () => {
        const result = await store.append('acme#payment#p1', 0, [
          { type: 'PaymentRequested', data: { amount: 100 }, metadata: { tenantId: 'acme' } },
          { type: 'GatewayCallAttempted', data: { attempt: 1 } },
        ]);

        const page = await store.readStream('acme#payment#p1');

        expect(result).toMatchObject({ fromVersion: 1, toVersion: 2, duplicate: false });
        expect(result.streamId).toBe('acme#payment#p1');
        expect(page.events.map((e) => [e.version, e.type])).toEqual([
          [1, 'PaymentRequested'],
          [2, 'GatewayCallAttempted'],
        ]);
        expect(page.events[0].metadata.tenantId).toBe('acme');
        expect(page.events.map((e) => e.eventId)).toEqual(result.eventIds);
        expect(page.events.every((e) => e.recordedAt === result.recordedAt)).toBe(true);
        expect(page.nextVersion).toBeUndefined();
      });

      it('keeps a caller-supplied event id and defaults the schema version to 1', async () => {
        await store.append('acme#payment#ids', 0, [
          { type: 'A', data: {}, eventId: '01JCONTRACTEVENTID0000000' },
        ]);

        const { events } = await store.readStream('acme#payment#ids');

        expect(events[0]).toMatchObject({ eventId: '01JCONTRACTEVENTID0000000', schemaVersion: 1 });
      });

      it('has no head and reads as empty', async () => {
        expect(await store.readHead('acme#payment#none')).toBeUndefined();
        expect(await store.readStream('acme#payment#none')).toEqual({
          events: [],
          nextVersion: undefined,
        });
      });
    });

    describe('when the expected version is not the head', () => {
      it('lets exactly one of 20 racing writers win and tells the others the actual version', async () => {
        const streamId = 'acme#payment#race';
        await store.append(streamId, 0, [{ type: 'PaymentRequested', data: {} }]);

        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            store.append(streamId, 1, [{ type: 'Writer', data: { writer: i } }]),
          ),
        );

        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const loss of lost) {
          expect(loss.reason).toBeInstanceOf(ConcurrencyConflictError);
          expect(loss.reason).toMatchObject({ streamId, expectedVersion: 1, actualVersion: 2 });
        }
        expect(await count(streamId)).toBe(2);
      });

      it('refuses an expected version ahead of the stream instead of leaving a gap', async () => {
        const streamId = 'acme#payment#gap';
        await store.append(streamId, 0, [{ type: 'A', data: {} }]);

        await expect(store.append(streamId, 3, [{ type: 'B', data: {} }])).rejects.toMatchObject({
          code: 'concurrency_conflict',
          actualVersion: 1,
          expectedVersion: 3,
        });
        expect(await count(streamId)).toBe(1);
      });

      it('refuses to start an existing stream again at version 0', async () => {
        const streamId = 'acme#payment#twice';
        await store.append(streamId, 0, [{ type: 'A', data: {} }]);

        await expect(store.append(streamId, 0, [{ type: 'A', data: {} }])).rejects.toMatchObject({
          code: 'concurrency_conflict',
          actualVersion: 1,
        });
      });

      it('refuses a stale head the caller passes along', async () => {
        const streamId = 'acme#payment#stale-head';
        await store.append(streamId, 0, [{ type: 'A', data: {} }]);
        const head = await store.readHead(streamId);
        await store.append(streamId, 1, [{ type: 'B', data: {} }], { head });

        await expect(
          store.append(streamId, 1, [{ type: 'C', data: {} }], { head }),
        ).rejects.toBeInstanceOf(ConcurrencyConflictError);
        expect(await count(streamId)).toBe(2);
      });

      it('lets every writer through in turn with the bounded command retry', async () => {
        const streamId = 'acme#payment#retried';
        const writers = Array.from({ length: 5 }, (_, i) =>
          retryOnConflict(
            async () => {
              const head = await store.readHead(streamId);
              return store.append(
                streamId,
                head?.version ?? 0,
                [{ type: 'Writer', data: { writer: i } }],
                { head },
              );
            },
            { maxAttempts: 20 },
          ),
        );

        await Promise.all(writers);

        const { events } = await store.readStream(streamId);
        expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
        expect(new Set(events.map((e) => e.data.writer)).size).toBe(5);
      });
    });

    describe('when appends carry an idempotency key', () => {
      it('writes exactly one event for 50 concurrent appends and returns the first result to all', async () => {
        const streamId = 'acme#payment#idem';

        const results = await Promise.all(
          Array.from({ length: 50 }, () =>
            store.append(streamId, 0, [{ type: 'PaymentRequested', data: { amount: 5 } }], {
              idempotencyKey: 'contract#create#key-1',
            }),
          ),
        );

        expect(await count(streamId)).toBe(1);
        expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(new Set(results.map((r) => r.eventIds[0])).size).toBe(1);
        expect(results.every((r) => r.toVersion === 1)).toBe(true);
      });

      it('returns the first result for the same payload, even at a later expected version', async () => {
        const streamId = 'acme#payment#idem-repeat';
        const first = await store.append(streamId, 0, [{ type: 'A', data: { n: 1 } }], {
          idempotencyKey: 'contract-repeat',
        });

        const again = await store.append(streamId, 1, [{ type: 'A', data: { n: 1 } }], {
          idempotencyKey: 'contract-repeat',
        });

        expect(again).toEqual({ ...first, duplicate: true });
        expect(await count(streamId)).toBe(1);
      });

      it('fails with a typed error for a different payload and writes nothing', async () => {
        const streamId = 'acme#payment#idem-reused';
        await store.append(streamId, 0, [{ type: 'A', data: { n: 1 } }], {
          idempotencyKey: 'contract-reused',
        });

        await expect(
          store.append(streamId, 1, [{ type: 'A', data: { n: 2 } }], {
            idempotencyKey: 'contract-reused',
          }),
        ).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
        expect(await count(streamId)).toBe(1);
      });

      it('treats the same key on another stream as a different payload', async () => {
        await store.append('acme#payment#idem-a', 0, [{ type: 'A', data: {} }], {
          idempotencyKey: 'contract-two-streams',
        });

        await expect(
          store.append('acme#payment#idem-b', 0, [{ type: 'A', data: {} }], {
            idempotencyKey: 'contract-two-streams',
          }),
        ).rejects.toMatchObject({ code: 'idempotency_key_reused' });
        expect(await store.readHead('acme#payment#idem-b')).toBeUndefined();
      });
    });

    describe('when an append is malformed or too large', () => {
      it('refuses a malformed append with a typed error', async () => {
        await expect(store.append('acme#payment#bad', 0, [])).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        await expect(
          store.append('acme#payment#bad', -1, [{ type: 'A', data: {} }]),
        ).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(
          store.append('acme#payment#bad', 0, [{ type: 'A', data: {} }], { idempotencyKey: '' }),
        ).rejects.toBeInstanceOf(InvalidAppendError);
        await expect(store.append('', 0, [{ type: 'A', data: {} }])).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        expect(await store.readHead('acme#payment#bad')).toBeUndefined();
      });

      it('refuses the whole append before anything is written, key included', async () => {
        const streamId = 'acme#payment#huge';
        const huge = [
          { type: 'Small', data: {} },
          { type: 'Huge', data: { blob: 'x'.repeat(360 * 1024) } },
        ];

        await expect(
          store.append(streamId, 0, huge, { idempotencyKey: 'contract-huge' }),
        ).rejects.toBeInstanceOf(EventTooLargeError);
        await expect(
          store.startStream(streamId, { type: 'Huge', data: { blob: 'x'.repeat(360 * 1024) } }),
        ).rejects.toMatchObject({ code: 'event_too_large' });

        expect(await store.readHead(streamId)).toBeUndefined();
        // The key was not taken: a valid append with it is a first append, not a duplicate.
        const retried = await store.append(streamId, 0, [{ type: 'Small', data: {} }], {
          idempotencyKey: 'contract-huge',
        });
        expect(retried.duplicate).toBe(false);
      });
    });

    describe('when a stream is longer than a page', () => {
      it('pages through it with nextVersion', async () => {
        const streamId = 'acme#payment#long';
        for (let v = 0; v < 25; v += 5) {
          await store.append(
            streamId,
            v,
            Array.from({ length: 5 }, (_, i) => ({ type: 'E', data: { i: v + i } })),
          );
        }

        const first = await store.readStream(streamId, { limit: 10 });
        const second = await store.readStream(streamId, {
          fromVersion: first.nextVersion,
          limit: 10,
        });
        const last = await store.readStream(streamId, { fromVersion: 21, limit: 10 });
        const whole = await collect(store.readWholeStream(streamId));
        const tail = await collect(store.readWholeStream(streamId, 24));

        expect(first.events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(first.nextVersion).toBe(11);
        expect(second.events[0].version).toBe(11);
        expect(last.events.map((e) => e.version)).toEqual([21, 22, 23, 24, 25]);
        expect(last.nextVersion).toBeUndefined();
        expect(whole.map((e) => e.version)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        expect(tail.map((e) => e.version)).toEqual([24, 25]);
        expect(await store.readHead(streamId)).toEqual({
          version: 25,
          recordedAt: whole[24].recordedAt,
        });
      });
    });

    describe('when the clock goes back between appends', () => {
      it('never records an event earlier than the previous one of its stream', async () => {
        const streamId = 'acme#payment#clock';
        now = new Date('2026-04-01T12:00:00.000Z');
        await store.append(streamId, 0, [{ type: 'A', data: {} }]);
        now = new Date('2026-04-01T11:00:00.000Z');

        await store.append(streamId, 1, [{ type: 'B', data: {} }]);

        const { events } = await store.readStream(streamId);
        expect(events.map((e) => e.recordedAt)).toEqual([
          '2026-04-01T12:00:00.000Z',
          '2026-04-01T12:00:00.000Z',
        ]);
        expect(events[0].position < events[1].position).toBe(true);
        now = new Date('2026-04-01T13:00:00.000Z');
      });
    });

    describe('when a stream is started', () => {
      it('writes version 1 the first time and returns the existing first event after', async () => {
        const first = await store.startStream('acme#delivery#sandbox#d1', {
          type: 'WebhookReceived',
          data: { n: 1 },
        });

        const again = await store.startStream('acme#delivery#sandbox#d1', {
          type: 'WebhookReceived',
          data: { n: 2 },
        });

        expect(first.created).toBe(true);
        const written = first.created ? first.event : undefined;
        expect(written).toMatchObject({ version: 1, type: 'WebhookReceived', data: { n: 1 } });
        expect(written?.position).toContain('acme#delivery#sandbox#d1');
        expect(again).toEqual({ created: false, existing: written });
        expect(await count('acme#delivery#sandbox#d1')).toBe(1);
      });

      it('finds a stream an append began', async () => {
        const appended = await store.append('acme#delivery#sandbox#d2', 0, [
          { type: 'WebhookReceived', data: {} },
        ]);

        const started = await store.startStream('acme#delivery#sandbox#d2', {
          type: 'WebhookReceived',
          data: {},
        });

        expect(started.created === false && started.existing.eventId).toBe(appended.eventIds[0]);
      });
    });

    describe('when events were written in an older shape', () => {
      const v1 = { type: 'CustomerSignedUp', schemaVersion: 1, data: { name: 'Ada Lovelace' } };
      const v2 = { schemaVersion: 2, data: { firstName: 'Ada', lastName: 'Lovelace' } };

      it('upcasts what readStream, readWholeStream and startStream return', async () => {
        await store.append('acme#customer#c1', 0, [v1, { type: 'CustomerVerified', data: {} }]);

        const { events } = await store.readStream('acme#customer#c1');
        const whole = await collect(store.readWholeStream('acme#customer#c1'));
        const started = await store.startStream('acme#customer#c1', v1);

        expect(events.map((e) => [e.type, e.schemaVersion, e.data])).toEqual([
          ['CustomerSignedUp', 2, v2.data],
          ['CustomerVerified', 1, {}],
        ]);
        expect(whole[0]).toMatchObject(v2);
        expect(started.created === false && started.existing).toMatchObject(v2);
      });
    });

    describe('when a reader changes what it was given', () => {
      it('leaves the stored event alone', async () => {
        await store.append('acme#payment#copy', 0, [{ type: 'A', data: { n: 1, list: [1] } }]);
        const { events } = await store.readStream('acme#payment#copy');

        events[0].data.n = 2;
        (events[0].data.list as number[]).push(2);

        const again = await store.readStream('acme#payment#copy');
        expect(again.events[0].data).toEqual({ n: 1, list: [1] });
      });
    });
  });
}
