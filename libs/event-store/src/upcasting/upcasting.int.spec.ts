import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { DynamoDbEventStore, decodeEventRecord } from '../aws';
import { UpcasterChain, type StoredEvent, type Upcaster } from '../index';

// A shape change as a release would make one: `name` split into `firstName` and `lastName`.
const signedUpV1toV2: Upcaster = {
  type: 'CustomerSignedUp',
  fromVersion: 1,
  toVersion: 2,
  upcast: ({ name, ...rest }) => {
    const [firstName, ...others] = String(name).split(' ');
    return { ...rest, firstName, lastName: others.join(' ') };
  },
};

const v1 = { type: 'CustomerSignedUp', schemaVersion: 1, data: { name: 'Ada Lovelace' } };
const v2Data = { firstName: 'Ada', lastName: 'Lovelace' };

describe('DynamoDbEventStore with upcasters', () => {
  let ledger: TestLedger;
  let asStored: DynamoDbEventStore;
  const chain = new UpcasterChain([signedUpV1toV2]);

  beforeAll(async () => {
    ledger = await createTestLedger('upcasting', {
      upcasters: chain,
      clock: () => new Date('2026-05-01T10:00:00.000Z'),
    });
    asStored = new DynamoDbEventStore({ client: ledger.client, tables: ledger.tables });
    await ledger.store.append('acme#customer#c1', 0, [v1, { type: 'CustomerVerified', data: {} }]);
  });

  afterAll(async () => {
    await ledger.close();
  });

  async function collect(iterable: AsyncIterable<StoredEvent>): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const event of iterable) events.push(event);
    return events;
  }

  it('appends what it is given: the stored item keeps version 1 and the v1 data', async () => {
    const output = await ledger.client.send(
      new GetItemCommand({
        TableName: ledger.tables.events,
        Key: { pk: { S: 'acme#customer#c1' }, sk: { N: '1' } },
        ConsistentRead: true,
      }),
    );

    expect(output.Item?.schemaVersion).toEqual({ N: '1' });
    expect(output.Item?.data).toEqual({ M: { name: { S: 'Ada Lovelace' } } });
  });

  it('upcasts what readStream returns', async () => {
    const { events } = await ledger.store.readStream('acme#customer#c1');

    expect(events.map((e) => [e.type, e.schemaVersion, e.data])).toEqual([
      ['CustomerSignedUp', 2, v2Data],
      ['CustomerVerified', 1, {}],
    ]);
  });

  it('upcasts what readWholeStream and readAll return', async () => {
    const whole = await collect(ledger.store.readWholeStream('acme#customer#c1'));
    const all = await collect(ledger.store.readAll({ to: '2026-05-02T00:00:00.000Z' }));

    expect(whole[0]).toMatchObject({ schemaVersion: 2, data: v2Data });
    expect(all[0]).toMatchObject({ streamId: 'acme#customer#c1', schemaVersion: 2, data: v2Data });
  });

  it('upcasts the event startStream finds already there', async () => {
    await ledger.store.startStream('acme#customer#c2', v1);

    const again = await ledger.store.startStream('acme#customer#c2', v1);

    expect(again.created).toBe(false);
    expect(again.created === false && again.existing).toMatchObject({
      schemaVersion: 2,
      data: v2Data,
    });
  });

  it('leaves storage alone: a store without upcasters still reads version 1', async () => {
    const { events } = await asStored.readStream('acme#customer#c1');

    expect(events[0]).toMatchObject({ schemaVersion: 1, data: { name: 'Ada Lovelace' } });
  });

  it('lets decodeEventRecord upcast a stream record with the same chain', async () => {
    const { Item } = await ledger.client.send(
      new GetItemCommand({
        TableName: ledger.tables.events,
        Key: { pk: { S: 'acme#customer#c1' }, sk: { N: '1' } },
        ConsistentRead: true,
      }),
    );
    // A stream record's NewImage is the item as written.
    const record = { eventName: 'INSERT', dynamodb: { NewImage: Item, SequenceNumber: '1' } };

    expect(decodeEventRecord(record, chain)).toMatchObject({ schemaVersion: 2, data: v2Data });
    expect(decodeEventRecord(record)).toMatchObject({
      schemaVersion: 1,
      data: { name: 'Ada Lovelace' },
    });
  });
});
