import { PaymentNotFoundError, paymentStreamId } from '@ledger/ledger';
import type { PaymentCommandResponse, PaymentWorkflow } from '../payment-workflow/payment-workflow';
import type { ReconcilePayment } from './reconcile-payment.command';

/**
 * Handles {@link ReconcilePayment}: a charge the gateway reports concludes the payment, or is
 * recorded as a contradiction when it disagrees with the recorded outcome. When the gateway has
 * none, an `outcome_unknown` payment, or a `requested`/`processing` one abandoned for longer than
 * the request lock, is charged again with the same gateway Idempotency-Key.
 */
export class ReconcilePaymentHandler {
  constructor(private readonly workflow: PaymentWorkflow) {}

  async execute(command: ReconcilePayment): Promise<PaymentCommandResponse> {
    const { tenantId, paymentId, correlationId, actor } = command;
    const streamId = paymentStreamId(tenantId, paymentId);
    const current = await this.workflow.load(streamId);
    if (!current.state.exists) throw new PaymentNotFoundError(paymentId);
    const found = await this.workflow.gatewayFor(tenantId).findCharge(paymentId);
    let settled = current;
    if (found.outcome === 'succeeded' && found.value !== undefined) {
      settled = await this.workflow.run(
        streamId,
        tenantId,
        correlationId,
        {
          type: 'ConcludeCharge',
          data:
            found.value.status === 'succeeded'
              ? { outcome: 'succeeded', gatewayTransactionId: found.value.id, source: 'reconcile' }
              : {
                  outcome: 'declined',
                  gatewayTransactionId: found.value.id,
                  reason: found.value.declineCode ?? 'declined',
                  ...(found.value.declineCode && { declineCode: found.value.declineCode }),
                  source: 'reconcile',
                },
        },
        actor,
      );
    } else if (found.outcome === 'succeeded' && this.workflow.mayChargeAgain(current.state)) {
      // The gateway has no charge for it: nothing was taken. Charge again with the same key.
      settled = await this.workflow.charge(
        tenantId,
        paymentId,
        current.state,
        correlationId,
        'reconcile',
        actor,
      );
    }
    return {
      statusCode: 200,
      body: { paymentId, status: settled.state.status, version: settled.version },
    };
  }
}
