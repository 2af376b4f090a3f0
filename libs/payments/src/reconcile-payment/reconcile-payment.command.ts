/**
 * Ask the gateway what became of a payment (`POST /payments/{id}/reconcile`, and the sweeper's
 * way of settling a payment left without a conclusion).
 */
export class ReconcilePayment {
  constructor(
    readonly tenantId: string,
    readonly paymentId: string,
    readonly correlationId?: string,
    /** Who reconciles, as recorded on the events: `api` or `sweeper`. */
    readonly actor = 'api',
  ) {}
}
