import {
  PaymentNotFoundError,
  RefundNotFoundError,
  findRefund,
  paymentStreamId,
} from '@ledger/ledger';
import type { GatewayOutcome, GatewayRefund } from '@ledger/outbound';
import { requestScope } from '../request-idempotency/request-idempotency.port';
import {
  refundConclusion,
  refundKeyOf,
  type PaymentCommandResponse,
  type PaymentWorkflow,
} from '../payment-workflow/payment-workflow';
import type { RequestRefund } from './request-refund.command';

/**
 * Handles {@link RequestRefund}: claims the Idempotency-Key, records the refund request (or, for a
 * resumed request, `RefundResumed`), calls the gateway with the refund's own key and records the
 * outcome. An asynchronous request stops once the refund request is recorded (202); the charger
 * sends it.
 */
export class RequestRefundHandler {
  constructor(private readonly workflow: PaymentWorkflow) {}

  execute(command: RequestRefund): Promise<PaymentCommandResponse> {
    const { tenantId, paymentId, idempotencyKey, input, correlationId, mode } = command;
    const scope = requestScope(tenantId, 'refund', paymentId);
    return this.workflow.idempotently(scope, idempotencyKey, input, 're', async (refundId) => {
      const streamId = paymentStreamId(tenantId, paymentId);
      const current = await this.workflow.load(streamId);
      if (!current.state.exists) throw new PaymentNotFoundError(paymentId);
      let handled = current;
      if (findRefund(current.state, refundId) === undefined) {
        handled = await this.workflow.run(streamId, tenantId, correlationId, {
          type: 'RequestRefund',
          data: {
            refundId,
            amount: input.amount,
            ...(input.reason && { reason: input.reason }),
            ...(mode === 'async' && { mode }),
          },
        });
      } else if (mode === 'async') {
        // A resumed asynchronous request: the refund is recorded, the charger sends it.
        handled = current;
      } else {
        // A resumed request: an earlier run may have sent the refund before it died.
        handled = await this.workflow.run(streamId, tenantId, correlationId, {
          type: 'ResumeRefund',
          data: { refundId, by: 'request_retry' },
        });
      }
      if (mode === 'async') {
        const accepted = findRefund(handled.state, refundId);
        if (accepted === undefined) throw new RefundNotFoundError(refundId);
        return {
          statusCode: 202,
          body: {
            refundId,
            status: accepted.status,
            paymentStatus: handled.state.status,
            version: handled.version,
          },
        };
      }
      const chargeId = handled.state.gatewayTransactionId;
      const outcome: GatewayOutcome<GatewayRefund> =
        chargeId === undefined
          ? { outcome: 'unknown', reason: 'no gateway transaction is known for this payment' }
          : await this.workflow.gatewayFor(tenantId).refund(
              { chargeId, refundId, amount: input.amount, paymentId },
              this.workflow.attemptContext(streamId, tenantId, correlationId, {
                operation: 'refund',
                refundId,
                idempotencyKey: refundKeyOf(tenantId, paymentId, refundId),
              }),
            );
      const settled = await this.workflow.run(streamId, tenantId, correlationId, {
        type: 'ConcludeRefund',
        data: {
          refundId,
          source: 'gateway_response',
          ...refundConclusion(outcome),
        },
      });
      const refund = findRefund(settled.state, refundId);
      if (refund === undefined) throw new RefundNotFoundError(refundId);
      return {
        statusCode: 201,
        body: {
          refundId,
          status: refund.status,
          paymentStatus: settled.state.status,
          version: settled.version,
        },
      };
    });
  }
}
