/** What a client asks to be charged (`POST /payments`). */
export interface CreatePaymentInput {
  amount: number;
  currency: string;
  customerId?: string;
  orderId?: string;
  description?: string;
}

/** Create a payment and charge it through the tenant's gateway, once per Idempotency-Key. */
export class RequestPayment {
  constructor(
    readonly tenantId: string,
    readonly idempotencyKey: string,
    readonly input: CreatePaymentInput,
    readonly correlationId?: string,
  ) {}
}
