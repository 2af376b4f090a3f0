import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** The ledger's tables, named `<prefix><name>` so several instances can share one engine. */
export interface LedgerTables {
  /** Immutable events; stream NEW_IMAGE; GSI `time-index` for the global order. */
  events: string;
  /** Idempotency markers, written in the same transaction as the events they guard. */
  idempotency: string;
  /** Projections (read models), rebuilt from the events at will. */
  readModels: string;
  /** Operational state: time-index buckets, consumer checkpoints, parked records. */
  meta: string;
}

export const DEFAULT_TABLE_PREFIX = 'ledger-';

/**
 * The tables of one instance: `<prefix><name>`, except those `names` gives (a stack's generated
 * names, from EVENTS_TABLE and its siblings).
 */
export function ledgerTables(
  prefix: string = DEFAULT_TABLE_PREFIX,
  names: Partial<LedgerTables> = {},
): LedgerTables {
  return {
    events: names.events ?? `${prefix}events`,
    idempotency: names.idempotency ?? `${prefix}idempotency`,
    readModels: names.readModels ?? `${prefix}read-models`,
    meta: names.meta ?? `${prefix}meta`,
  };
}

export const TIME_INDEX_NAME = 'time-index';
export const READ_MODEL_INDEX_NAME = 'gsi1';
/**
 * Sparse GSI of the read model: only payments whose charge is not concluded (`requested`,
 * `processing`, `outcome_unknown`) carry its keys, oldest change first, for the sweeper.
 */
export const UNSETTLED_INDEX_NAME = 'unsettled';

/** CreateTable inputs for every ledger table; template.yaml declares the same shapes for AWS. */
export function tableDefinitions(tables: LedgerTables): CreateTableCommandInput[] {
  const onDemand = { BillingMode: 'PAY_PER_REQUEST' as const };
  return [
    {
      TableName: tables.events,
      ...onDemand,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        { AttributeName: 'tix', AttributeType: 'S' },
        { AttributeName: 'tsk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: TIME_INDEX_NAME,
          KeySchema: [
            { AttributeName: 'tix', KeyType: 'HASH' },
            { AttributeName: 'tsk', KeyType: 'RANGE' },
          ],
          // Keys only: replay reads the events themselves from the table (BatchGetItem).
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
    },
    {
      TableName: tables.idempotency,
      ...onDemand,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    },
    {
      TableName: tables.readModels,
      ...onDemand,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
        { AttributeName: 'gsi2pk', AttributeType: 'S' },
        { AttributeName: 'gsi2sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: READ_MODEL_INDEX_NAME,
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          // The list's filters that seldom change only: a page's documents, and the status a
          // status filter compares, are read from the table (BatchGetItem), so a payment's status
          // changes leave the index alone.
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['customerId', 'contradicted'],
          },
        },
        {
          IndexName: UNSETTLED_INDEX_NAME,
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['tenantId', 'paymentId', 'status'],
          },
        },
      ],
    },
    {
      TableName: tables.meta,
      ...onDemand,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    },
  ];
}
