import type { CommandMode } from '../request-payment/request-payment.command';

/** What a client asks to be refunded (`POST /payments/{id}/refunds`). */
export interface RefundPaymentInput {
  amount: number;
  reason?: string;
}

/**
 * Refund (part of) a captured payment through the tenant's gateway, once per Idempotency-Key:
 * within the request (`sync`), or by the charger once the request is recorded (`async`).
 */
export class RequestRefund {
  constructor(
    readonly tenantId: string,
    readonly paymentId: string,
    readonly idempotencyKey: string,
    readonly input: RefundPaymentInput,
    readonly correlationId?: string,
    readonly mode: CommandMode = 'sync',
  ) {}
}
