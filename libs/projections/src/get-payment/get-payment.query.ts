/**
 * A payment's current state (`GET /payments/{id}`). With `minVersion`, the answer waits briefly for
 * the projection to reach that version (a client reading its own write).
 */
export class GetPayment {
  constructor(
    readonly tenantId: string,
    readonly paymentId: string,
    readonly minVersion = 0,
  ) {}
}
