import { PaymentAlreadyExistsError, paymentStreamId, type ChargeResumption } from '@ledger/ledger';
import { requestScope } from '../request-idempotency/request-idempotency.port';
import type { PaymentCommandResponse, PaymentWorkflow } from '../payment-workflow/payment-workflow';
import type { RequestPayment } from './request-payment.command';

/**
 * Handles {@link RequestPayment}: claims the Idempotency-Key, records the request, charges the
 * gateway and records its outcome (an asynchronous request stops after the request: 202). A resumed request (its key claimed by a run that died) carries
 * on from the payment's state, recording `ChargeResumed` before it may send again.
 */
export class RequestPaymentHandler {
  constructor(private readonly workflow: PaymentWorkflow) {}

  execute(command: RequestPayment): Promise<PaymentCommandResponse> {
    const { tenantId, idempotencyKey, input, correlationId, mode } = command;
    const scope = requestScope(tenantId, 'create-payment');
    // The mode is not part of the request's identity: a repeat in either mode gets the first
    // answer (201 or 202), as a repeat should.
    return this.workflow.idempotently(scope, idempotencyKey, input, 'pay', async (paymentId) => {
      const streamId = paymentStreamId(tenantId, paymentId);
      let resumption: ChargeResumption | undefined;
      const requested = await this.workflow
        .run(streamId, tenantId, correlationId, {
          type: 'RequestPayment',
          data: { paymentId, ...input, ...(mode === 'async' && { mode }) },
        })
        .catch(async (error: unknown) => {
          // A resumed request finds its payment already requested: carry on from its state. An
          // earlier run may have sent the charge before it died.
          if (error instanceof PaymentAlreadyExistsError) {
            resumption = 'request_retry';
            return this.workflow.load(streamId);
          }
          throw error;
        });
      if (mode === 'async') {
        // Accepted: the charger, reading the stream, makes the gateway call.
        return {
          statusCode: 202,
          body: { paymentId, status: requested.state.status, version: requested.version },
        };
      }
      const settled = await this.workflow.charge(
        tenantId,
        paymentId,
        requested.state,
        correlationId,
        resumption,
      );
      return {
        statusCode: 201,
        body: { paymentId, status: settled.state.status, version: settled.version },
      };
    });
  }
}
