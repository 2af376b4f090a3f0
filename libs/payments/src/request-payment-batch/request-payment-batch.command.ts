import type { CommandMode, CreatePaymentInput } from '../request-payment/request-payment.command';

/** Most items one batch may hold. */
export const MAX_BATCH_ITEMS = 100;

/** One valid item of a batch: its place in the request, its own Idempotency-Key, its payment. */
export interface PaymentBatchItem {
  index: number;
  idempotencyKey: string;
  input: CreatePaymentInput;
}

/**
 * Create many payments at once (`POST /payments/batch`), each exactly as a single request with
 * its own Idempotency-Key would: accepted for the charger (`async`, the default) or charged within
 * the request (`sync`), up to the API's deadline.
 */
export class RequestPaymentBatch {
  constructor(
    readonly tenantId: string,
    readonly items: readonly PaymentBatchItem[],
    readonly mode: CommandMode = 'async',
    readonly correlationId?: string,
  ) {}
}
