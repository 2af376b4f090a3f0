/** What a client asks to be charged (`POST /payments`). */
export interface CreatePaymentInput {
  amount: number;
  currency: string;
  customerId?: string;
  orderId?: string;
  description?: string;
}

/**
 * How a command is answered: `sync` charges within the request (201 with the outcome); `async`
 * answers once the request is recorded (202) and the charger, a stream consumer, charges it.
 */
export type CommandMode = 'sync' | 'async';

/**
 * Create a payment and charge it through the tenant's gateway, once per Idempotency-Key: within
 * the request (`sync`), or by the charger once the request is recorded (`async`).
 */
export class RequestPayment {
  constructor(
    readonly tenantId: string,
    readonly idempotencyKey: string,
    readonly input: CreatePaymentInput,
    readonly correlationId?: string,
    readonly mode: CommandMode = 'sync',
  ) {}
}
