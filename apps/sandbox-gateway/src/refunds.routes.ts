import type { FastifyInstance } from 'fastify';
import type { Refund } from './charge-book';
import { unknownCharge } from './charges.routes';
import { answer } from './fault-injection';
import { invalidRequest } from './gateway-api.error';
import { parseRefundRequest } from './gateway-requests';
import { runIdempotent } from './idempotent-request';
import { newId } from './ids';
import type { SandboxContext } from './sandbox-context';
import type { WebhookEvent } from './webhook-sender';

/** `POST /charges/:id/refunds`, under `/v1`. */
export function registerRefundRoutes(v1: FastifyInstance, context: SandboxContext): void {
  const { controls, stats } = context;

  v1.post<{ Params: { id: string } }>('/charges/:id/refunds', async (request, reply) => {
    const { book, idempotency, notify } = context.accountOf(request);
    const response = await runIdempotent(
      request,
      idempotency,
      () => controls.latency(),
      async () => {
        const input = parseRefundRequest(request.body);
        const charge = book.find(request.params.id);
        if (charge === undefined) throw unknownCharge(request.params.id);
        if (charge.paymentId !== input.paymentId) {
          throw invalidRequest(`Charge ${charge.id} belongs to another paymentId`);
        }
        const now = context.clock();
        const refund = book.refund(charge, input, now);
        stats.increment('refundsCreated');
        context.log('refund created', { refundId: refund.id, chargeId: charge.id });
        await notify(refundEvent(refund, now));
        return {
          status: 201,
          body: {
            id: refund.id,
            status: refund.status,
            amount: refund.amount,
            chargeId: refund.chargeId,
            refundId: refund.refundId,
          },
        };
      },
    );
    return answer(request, reply, {
      ...response,
      ...(response.replayed && { headers: { 'idempotent-replayed': 'true' } }),
    });
  });
}

function refundEvent(refund: Refund, now: Date): WebhookEvent {
  return {
    id: newId('evt'),
    type: 'refund.created',
    created: Math.floor(now.getTime() / 1000),
    data: {
      transactionId: refund.chargeId,
      paymentId: refund.paymentId,
      refundId: refund.refundId,
      amount: refund.amount,
      currency: refund.currency,
    },
  };
}
