import type { FastifyInstance } from 'fastify';
import { chargeView, type Charge } from './charge-book';
import { answer } from './fault-injection';
import { GatewayApiError, invalidRequest } from './gateway-api.error';
import { parseChargeRequest } from './gateway-requests';
import type { StoredResponse } from './idempotency-store';
import { runIdempotent } from './idempotent-request';
import { newId } from './ids';
import type { SandboxContext } from './sandbox-context';
import { outcomeForAmount } from './test-amounts';
import type { WebhookEvent } from './webhook-sender';

/** `POST /charges`, `GET /charges?paymentId=` and `GET /charges/:id`, under `/v1`. */
export function registerChargeRoutes(v1: FastifyInstance, context: SandboxContext): void {
  const { controls, stats } = context;

  v1.post('/charges', async (request, reply) => {
    const { book, idempotency, notify } = context.accountOf(request);
    const response = await runIdempotent(
      request,
      idempotency,
      () => controls.latency(),
      async () => {
        const input = parseChargeRequest(request.body);
        const now = context.clock();
        const charge = book.createCharge(input, outcomeForAmount(input.amount), now);
        stats.increment('chargesCreated');
        context.log('charge created', { chargeId: charge.id, status: charge.status });
        await notify(chargeEvent(charge, now));
        return chargeResponse(charge);
      },
    );
    return answer(request, reply, {
      ...response,
      ...(response.replayed && { headers: { 'idempotent-replayed': 'true' } }),
    });
  });

  v1.get('/charges', async (request, reply) => {
    await controls.latency();
    const { book } = context.accountOf(request);
    const { paymentId } = request.query as Record<string, unknown>;
    if (typeof paymentId !== 'string' || paymentId === '') {
      throw invalidRequest('The paymentId query parameter is required');
    }
    const data = book
      .forPayment(paymentId)
      .map((charge) => ({ ...chargeView(charge), amountRefunded: charge.amountRefunded }));
    return answer(request, reply, { status: 200, body: { data } });
  });

  v1.get<{ Params: { id: string } }>('/charges/:id', async (request, reply) => {
    await controls.latency();
    const charge = context.accountOf(request).book.find(request.params.id);
    if (charge === undefined) throw unknownCharge(request.params.id);
    return answer(request, reply, {
      status: 200,
      body: { ...chargeView(charge), amountRefunded: charge.amountRefunded },
    });
  });
}

/** 404 for a charge id the sandbox never issued. */
export function unknownCharge(chargeId: string): GatewayApiError {
  return new GatewayApiError(404, 'charge_not_found', `No such charge: ${chargeId}`);
}

/** 201 with the charge, or 402 `card_declined` carrying the declined charge. */
function chargeResponse(charge: Charge): StoredResponse {
  if (charge.status === 'succeeded') return { status: 201, body: chargeView(charge) };
  return {
    status: 402,
    body: {
      error: {
        code: 'card_declined',
        message: `The card was declined (${charge.declineCode ?? 'card_declined'})`,
      },
      charge: chargeView(charge),
    },
  };
}

function chargeEvent(charge: Charge, now: Date): WebhookEvent {
  return {
    id: newId('evt'),
    type: charge.status === 'succeeded' ? 'payment.completed' : 'payment.failed',
    created: Math.floor(now.getTime() / 1000),
    data: {
      transactionId: charge.id,
      paymentId: charge.paymentId,
      ...(charge.orderId !== undefined && { orderId: charge.orderId }),
      amount: charge.amount,
      currency: charge.currency,
      ...(charge.declineCode !== undefined && {
        reason: charge.declineCode,
        declineCode: charge.declineCode,
      }),
    },
  };
}
