/**
 * Ask the gateway what became of a payment (`POST /payments/{id}/reconcile`, and the sweeper's
 * and the bulk reconcile's way of settling a payment left without a conclusion).
 */
export class ReconcilePayment {
  constructor(
    readonly tenantId: string,
    readonly paymentId: string,
    readonly correlationId?: string,
    /** Who reconciles, as recorded on the events: `api`, `sweeper` or `operator`. */
    readonly actor = 'api',
    readonly options: {
      /**
       * A payment already concluded is answered as it is, `skipped: true`, without asking the
       * gateway (a bulk run: it came to it late). Otherwise it is asked too, so that a gateway
       * that disagrees is recorded as a contradiction.
       */
      skipConcluded?: boolean;
    } = {},
  ) {}
}
