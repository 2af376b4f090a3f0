import { PaymentNotFoundError } from '@ledger/ledger';
import type { PaymentDocuments } from '../payment-view/payment-documents.port';
import { toPaymentView, type PaymentView } from '../queries/payment-view';
import type { GetPayment } from './get-payment.query';

export interface GetPaymentOptions {
  /** How long to wait for the read model to reach `minVersion` (default 2 s). */
  maxWaitMs?: number;
  pollIntervalMs?: number;
}

/**
 * Handles {@link GetPayment} from the read model; the answer's `version` says what it reflects,
 * whether or not the wait for `minVersion` was long enough.
 */
export class GetPaymentHandler {
  private readonly maxWaitMs: number;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly documents: PaymentDocuments,
    options: GetPaymentOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? 2000;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
  }

  async execute(query: GetPayment): Promise<PaymentView> {
    const { tenantId, paymentId, minVersion } = query;
    const deadline = Date.now() + this.maxWaitMs;
    let document = await this.documents.get(tenantId, paymentId);
    while ((document?.version ?? 0) < minVersion && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, this.pollIntervalMs));
      document = await this.documents.get(tenantId, paymentId);
    }
    if (document === undefined) throw new PaymentNotFoundError(paymentId);
    return toPaymentView(document);
  }
}
