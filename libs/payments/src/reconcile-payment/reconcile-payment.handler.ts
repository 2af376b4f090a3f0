import { isUnsettled, PaymentNotFoundError, paymentStreamId } from '@ledger/ledger';
import type { PaymentCommandResponse, PaymentWorkflow } from '../payment-workflow/payment-workflow';
import type { ReconcilePayment } from './reconcile-payment.command';
import { GatewayUnavailableError } from './reconcile-payment.errors';

/**
 * Handles {@link ReconcilePayment}: a charge the gateway reports concludes the payment, or is
 * recorded as a contradiction when it disagrees with the recorded outcome. When the gateway has
 * none, an `outcome_unknown` payment, or a `requested`/`processing` one abandoned for longer than
 * the request lock, is charged again with the same gateway Idempotency-Key. A gateway that cannot
 * be asked (its breaker open, its bulkhead full) is a {@link GatewayUnavailableError} carrying
 * the payment as last recorded: the ledger still answers for it, the gateway does not.
 */
export class ReconcilePaymentHandler {
  constructor(private readonly workflow: PaymentWorkflow) {}

  async execute(command: ReconcilePayment): Promise<PaymentCommandResponse> {
    const { tenantId, paymentId, correlationId, actor } = command;
    const streamId = paymentStreamId(tenantId, paymentId);
    const current = await this.workflow.load(streamId);
    if (!current.state.exists) throw new PaymentNotFoundError(paymentId);
    if (command.options.skipConcluded === true && !isUnsettled(current.state)) {
      return {
        statusCode: 200,
        body: { paymentId, status: current.state.status, version: current.version, skipped: true },
      };
    }
    const found = await this.workflow.gatewayFor(tenantId).findCharge(paymentId);
    if (found.outcome === 'not_attempted') {
      throw new GatewayUnavailableError(paymentId, current, found.reason, found.retryAfterMs);
    }
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
