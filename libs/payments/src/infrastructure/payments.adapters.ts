import type { LedgerStorage } from '@ledger/event-store/aws';
import type { RequestIdempotency } from '../request-idempotency/request-idempotency.port';
import { DynamoDbRequestIdempotency } from './dynamodb-request-idempotency';

/** The payments lib's ports on DynamoDB. */
export interface PaymentAdapters {
  /** The `Idempotency-Key` records of payment commands, in the idempotency table. */
  requestIdempotency: RequestIdempotency;
}

/** The payments lib's DynamoDB adapters for one ledger storage: what composition roots call. */
export function paymentAdapters(
  storage: LedgerStorage,
  options: { clock?: () => Date } = {},
): PaymentAdapters {
  return {
    requestIdempotency: new DynamoDbRequestIdempotency(
      storage.dynamoDb,
      storage.tables.idempotency,
      { clock: options.clock },
    ),
  };
}
