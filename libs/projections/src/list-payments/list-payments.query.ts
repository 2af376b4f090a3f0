import type { PaymentListQuery } from '../payment-view/payment-documents.port';

/** A page of the tenant's payments, newest first (`GET /payments`). */
export class ListPayments {
  constructor(readonly filter: PaymentListQuery) {}
}
