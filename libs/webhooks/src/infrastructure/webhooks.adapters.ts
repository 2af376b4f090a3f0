import type { LedgerStorage } from '@ledger/event-store/aws';
import type { CorrelationIndex } from '../correlate-delivery/correlation-index.port';
import type { DeliveryStats } from '../receive-webhook/delivery-stats.port';
import { DynamoDbCorrelationIndex } from './dynamodb-correlation-index';
import { DynamoDbDeliveryStats } from './dynamodb-delivery-stats';

/** The webhooks lib's ports on DynamoDB. */
export interface WebhookAdapters {
  /** Per-delivery arrival counts (duplicates), read by the receiver. */
  deliveryStats: DeliveryStats;
  /** What links a delivery to its payment, written and read by the correlator. */
  correlationIndex: CorrelationIndex;
}

/** The webhooks lib's DynamoDB adapters for one ledger storage: what composition roots call. */
export function webhookAdapters(storage: LedgerStorage): WebhookAdapters {
  return {
    deliveryStats: new DynamoDbDeliveryStats(storage.dynamoDb, storage.tables.meta),
    correlationIndex: new DynamoDbCorrelationIndex(storage.dynamoDb, storage.tables.meta),
  };
}
