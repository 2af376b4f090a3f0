/**
 * Every event of a payment in order, a page at a time (`GET /payments/{id}/history`), from the
 * event store itself.
 */
export class GetPaymentHistory {
  constructor(
    readonly tenantId: string,
    readonly paymentId: string,
    readonly page: { cursor?: string; limit: number; types?: readonly string[] },
  ) {}
}
