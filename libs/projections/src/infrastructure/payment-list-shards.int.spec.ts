import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClientFor, READ_MODEL_INDEX_NAME } from '@ledger/event-store/aws';
import { paymentStreamId, type PaymentStatus } from '@ledger/ledger';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import type { PaymentListQuery } from '../payment-view/payment-documents.port';
import type { PaymentDocument } from '../payment-view/payment-view.projection';
import { InvalidCursorError } from '../queries/list-cursors';
import { DynamoDbPaymentDocuments } from './dynamodb-payment-documents';

const PAYMENTS = 40;

/** Payment `i`, created at second `i`: the newest first is pay_39 ... pay_0. */
function payment(i: number, tenantId = 'acme'): PaymentDocument {
  const createdAt = `2026-04-01T10:00:${String(i).padStart(2, '0')}.000Z`;
  const status: PaymentStatus = i % 5 === 0 ? 'failed' : 'succeeded';
  return {
    tenantId,
    paymentId: `pay_${String(i).padStart(2, '0')}`,
    version: 1,
    state: {
      paymentId: `pay_${String(i).padStart(2, '0')}`,
      status,
      amount: 1_000 + i,
      currency: 'EUR',
      customerId: i % 2 === 0 ? 'cus_even' : 'cus_odd',
      createdAt,
      updatedAt: createdAt,
    } as PaymentDocument['state'],
  };
}

const newestFirst = (keep: (i: number) => boolean = () => true): string[] =>
  Array.from({ length: PAYMENTS }, (_, i) => PAYMENTS - 1 - i)
    .filter(keep)
    .map((i) => `pay_${String(i).padStart(2, '0')}`);

// One tenant's payments spread over several partitions of the list index; pages merge them back
// into one newest-first order and the cursor carries every shard's own position.
describe('DynamoDbPaymentDocuments sharded list', () => {
  let ledger: TestLedger;
  let eight: DynamoDbPaymentDocuments;

  async function all(
    documents: DynamoDbPaymentDocuments,
    query: Omit<PaymentListQuery, 'cursor'>,
  ): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await documents.list({ ...query, ...(cursor !== undefined && { cursor }) });
      expect(page.items.length).toBeLessThanOrEqual(query.limit);
      ids.push(...page.items.map((d) => d.paymentId));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== undefined && pages < 100);
    return { ids, pages };
  }

  beforeAll(async () => {
    ledger = await createTestLedger('list-shards');
    eight = new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels, 'g1', 8);
    for (let i = 0; i < PAYMENTS; i++) await eight.put(payment(i), 0);
    await eight.put(payment(7, 'globex'), 0);
  });

  afterAll(async () => {
    await ledger.close();
  });

  it("spreads one tenant's payments over the generation's shards", async () => {
    const documents = documentClientFor(ledger.client);
    const counts: number[] = [];
    for (let shard = 0; shard < 8; shard++) {
      const output = await documents.send(
        new QueryCommand({
          TableName: ledger.tables.readModels,
          IndexName: READ_MODEL_INDEX_NAME,
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: {
            ':pk': shard === 0 ? 'acme#payments#g1' : `acme#payments#g1#${shard}`,
          },
        }),
      );
      counts.push(output.Count ?? 0);
      // The index holds the keys and the list's filters, not the document.
      for (const item of output.Items ?? []) expect(item.state).toBeUndefined();
    }

    expect(counts.reduce((a, b) => a + b, 0)).toBe(PAYMENTS);
    expect(counts.filter((count) => count > 0).length).toBeGreaterThanOrEqual(6);
  });

  it('pages through every shard newest first, each page full but the last', async () => {
    const { ids, pages } = await all(eight, { tenantId: 'acme', limit: 7 });

    expect(ids).toEqual(newestFirst());
    expect(pages).toBe(Math.ceil(PAYMENTS / 7));
  });

  it('applies filters and bounds across shards, page by page', async () => {
    const failed = await all(eight, { tenantId: 'acme', status: 'failed', limit: 1 });
    const evenInRange = await all(eight, {
      tenantId: 'acme',
      customerId: 'cus_even',
      from: '2026-04-01T10:00:10.000Z',
      to: '2026-04-01T10:00:30.000Z',
      limit: 3,
    });

    expect(failed.ids).toEqual(newestFirst((i) => i % 5 === 0));
    expect(evenInRange.ids).toEqual(newestFirst((i) => i % 2 === 0 && i >= 10 && i < 30));
  });

  it('keeps reading with the recorded count whatever the reader is configured with', async () => {
    const two = new DynamoDbPaymentDocuments(ledger.client, ledger.tables.readModels, 'g1', 2);
    const first = await eight.list({ tenantId: 'acme', limit: 5 });

    const rest = await all(two, { tenantId: 'acme', limit: 50 });
    const resumed = await two.list({ tenantId: 'acme', limit: 50, cursor: first.nextCursor });

    expect(await two.readShardCount()).toBe(8);
    expect(await two.shardCount()).toBe(8);
    expect(rest.ids).toEqual(newestFirst());
    expect(resumed.items.map((d) => d.paymentId)).toEqual(newestFirst().slice(5));
  });

  it('resumes a cursor after newer payments arrived, skipping none of the older ones', async () => {
    const documents = new DynamoDbPaymentDocuments(
      ledger.client,
      ledger.tables.readModels,
      'g-late',
      8,
    );
    for (let i = 0; i < 20; i++) await documents.put(payment(i), 0);
    const first = await documents.list({ tenantId: 'acme', limit: 6 });

    for (let i = 20; i < 30; i++) await documents.put(payment(i), 0);
    const rest: string[] = [];
    let cursor = first.nextCursor;
    while (cursor !== undefined) {
      const page = await documents.list({ tenantId: 'acme', limit: 4, cursor });
      rest.push(...page.items.map((d) => d.paymentId));
      cursor = page.nextCursor;
    }

    expect(first.items.map((d) => d.paymentId)).toEqual(newestFirst((i) => i < 20).slice(0, 6));
    expect(rest).toEqual(newestFirst((i) => i < 20).slice(6));
  });

  it('lists a row written before the list was sharded, and resumes a cursor of that time', async () => {
    const generation = 'g-old';
    const old = payment(3);
    await documentClientFor(ledger.client).send(
      new PutCommand({
        TableName: ledger.tables.readModels,
        Item: {
          pk: paymentStreamId('acme', old.paymentId),
          sk: `payment#${generation}`,
          gsi1pk: `acme#payments#${generation}`,
          gsi1sk: `${old.state.createdAt}#${old.paymentId}`,
          tenantId: 'acme',
          paymentId: old.paymentId,
          version: 1,
          status: old.state.status,
          customerId: old.state.customerId,
          createdAt: old.state.createdAt,
          state: JSON.stringify(old.state),
        },
      }),
    );
    const documents = new DynamoDbPaymentDocuments(
      ledger.client,
      ledger.tables.readModels,
      generation,
      8,
    );
    for (const i of [1, 5, 9]) await documents.put(payment(i), 0);
    const before = payment(5);
    const legacyCursor = Buffer.from(
      JSON.stringify({
        pk: paymentStreamId('acme', before.paymentId),
        sk: `payment#${generation}`,
        gsi1pk: `acme#payments#${generation}`,
        gsi1sk: `${before.state.createdAt}#${before.paymentId}`,
      }),
    ).toString('base64url');

    const listed = await documents.list({ tenantId: 'acme', limit: 10 });
    const resumed = await documents.list({ tenantId: 'acme', limit: 10, cursor: legacyCursor });

    expect(listed.items.map((d) => d.paymentId)).toEqual(['pay_09', 'pay_05', 'pay_03', 'pay_01']);
    expect(resumed.items.map((d) => d.paymentId)).toEqual(['pay_03', 'pay_01']);
  });

  it('reads a generation no sharding writer has touched as one shard, recording nothing', async () => {
    const generation = 'g-unwritten';
    const old = payment(11);
    const client = documentClientFor(ledger.client);
    await client.send(
      new PutCommand({
        TableName: ledger.tables.readModels,
        Item: {
          pk: paymentStreamId('acme', old.paymentId),
          sk: `payment#${generation}`,
          gsi1pk: `acme#payments#${generation}`,
          gsi1sk: `${old.state.createdAt}#${old.paymentId}`,
          tenantId: 'acme',
          paymentId: old.paymentId,
          version: 1,
          status: old.state.status,
          state: JSON.stringify(old.state),
        },
      }),
    );
    const reader = new DynamoDbPaymentDocuments(
      ledger.client,
      ledger.tables.readModels,
      generation,
      8,
    );

    const page = await reader.list({ tenantId: 'acme', limit: 5 });
    const record = await client.send(
      new GetCommand({
        TableName: ledger.tables.readModels,
        Key: { pk: `read-model#payments#${generation}`, sk: 'list-shards' },
      }),
    );

    expect(page.items.map((d) => d.paymentId)).toEqual(['pay_11']);
    expect(record.Item).toBeUndefined();
  });

  it('resumes a cursor issued before the first sharded write across every shard', async () => {
    const generation = 'g-first';
    const documents = new DynamoDbPaymentDocuments(
      ledger.client,
      ledger.tables.readModels,
      generation,
      8,
    );
    const cursorOfOneShard = Buffer.from(
      JSON.stringify({ list: `acme#payments#${generation}`, shards: [['2026-04-01T10:00:20', 0]] }),
    ).toString('base64url');
    for (let i = 0; i < 30; i++) await documents.put(payment(i), 0);

    const page = await documents.list({ tenantId: 'acme', limit: 50, cursor: cursorOfOneShard });

    expect(page.items.map((d) => d.paymentId)).toEqual(newestFirst((i) => i < 20));
  });

  it("refuses another tenant's cursor and one whose shards were tampered with", async () => {
    const page = await eight.list({ tenantId: 'acme', limit: 3 });
    const decoded = JSON.parse(Buffer.from(page.nextCursor!, 'base64url').toString('utf8')) as {
      list: string;
      shards: unknown[];
    };
    const shortened = Buffer.from(
      JSON.stringify({ ...decoded, shards: decoded.shards.slice(1) }),
    ).toString('base64url');

    await expect(
      eight.list({ tenantId: 'globex', limit: 3, cursor: page.nextCursor }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(
      eight.list({ tenantId: 'acme', limit: 3, cursor: shortened }),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });
});
