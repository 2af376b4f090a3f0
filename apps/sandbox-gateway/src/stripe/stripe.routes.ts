import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parse } from 'qs';
import { answer } from '../fault-injection';
import type { StoredResponse } from '../idempotency-store';
import { runIdempotent, type IdempotencyPolicy } from '../idempotent-request';
import { newId } from '../ids';
import type { SandboxContext } from '../sandbox-context';
import { StripeApiError, stripeInvalidRequest, stripeNoSuch } from './stripe-api.error';
import type { PaymentIntent } from './stripe-book';
import {
  SANDBOX_STRIPE_API_VERSION,
  chargeView,
  paymentIntentView,
  refundView,
  type StripeEvent,
  type StripeEventType,
} from './stripe-objects';
import { isTestPaymentMethod, stripeOutcomeFor } from './stripe-test-cards';

/** Stripe's idempotency answers: a key is optional; 400 `idempotency_error` on reuse. */
const STRIPE_IDEMPOTENCY: IdempotencyPolicy = {
  keyOptional: true,
  reused: () =>
    new StripeApiError(
      400,
      'idempotency_error',
      'idempotency_key_in_use',
      'Keys for idempotent requests can only be used with the same parameters they were first ' +
        'used with. Try using a key other than the one used in the original request.',
    ),
  inProgress: () =>
    new StripeApiError(
      409,
      'invalid_request_error',
      'lock_timeout',
      'There is currently another in-progress request using this Stripe API key and ' +
        'idempotency key. Please retry your request.',
    ),
};

/** A form body as Stripe's SDKs send it (`metadata[key]=v`, `a[0]=x`), or {} without one. */
type Params = Record<string, unknown>;

/**
 * Stripe's API, as much of it as the ledger's Stripe adapter uses, under `/v1` beside the sandbox's
 * own routes (`/v1/payment_intents`, `/v1/refunds`): an SDK reaches it with only host, port and
 * protocol. Bodies are form-encoded in Stripe's bracket notation, read with `qs`, in this scope
 * only (the sandbox's own routes keep taking JSON alone).
 */
export function registerStripeRoutes(v1: FastifyInstance, context: SandboxContext): void {
  void v1.register((stripe, _options, done) => {
    stripe.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, parsed) => {
        // Bounded like Stripe's own parameters: shallow objects, short arrays.
        parsed(null, parse(body as string, { depth: 3, arrayLimit: 50, parameterLimit: 200 }));
      },
    );
    routes(stripe, context);
    done();
  });
}

function routes(stripe: FastifyInstance, context: SandboxContext): void {
  const { controls, stats } = context;

  /** Runs a Stripe POST idempotently and sends its (possibly replayed) answer. */
  const idempotent = async (
    request: FastifyRequest,
    reply: Parameters<typeof answer>[1],
    work: () => Promise<StoredResponse>,
  ) => {
    const { idempotency } = context.accountOf(request);
    const response = await runIdempotent(
      request,
      idempotency,
      () => controls.latency(),
      work,
      STRIPE_IDEMPOTENCY,
    );
    return answer(request, reply, {
      ...response,
      ...(response.replayed && { headers: { 'idempotent-replayed': 'true' } }),
    });
  };

  stripe.post('/payment_intents', (request, reply) =>
    idempotent(request, reply, async () => {
      const params = paramsOf(request);
      const { stripe: book } = context.accountOf(request);
      const paymentMethod = optionalString(params, 'payment_method');
      if (paymentMethod !== undefined) assertKnownPaymentMethod(paymentMethod);
      const description = optionalString(params, 'description');
      const intent = book.create(
        {
          amount: positiveInteger(params, 'amount'),
          currency: currencyOf(params),
          metadata: metadataOf(params),
          ...(description !== undefined && { description }),
          ...(paymentMethod !== undefined && { paymentMethod }),
        },
        context.clock(),
      );
      if (params.confirm !== 'true') return { status: 200, body: paymentIntentView(intent) };
      return confirm(request, intent);
    }),
  );

  stripe.post<{ Params: { id: string } }>('/payment_intents/:id/confirm', (request, reply) =>
    idempotent(request, reply, async () => {
      const params = paramsOf(request);
      const intent = findIntent(request, request.params.id);
      const paymentMethod = optionalString(params, 'payment_method');
      if (paymentMethod !== undefined) {
        assertKnownPaymentMethod(paymentMethod);
        intent.paymentMethod = paymentMethod;
      }
      return confirm(request, intent);
    }),
  );

  stripe.get('/payment_intents/search', async (request, reply) => {
    await controls.latency();
    const { query } = request.query as Params;
    if (typeof query !== 'string' || query === '') {
      throw stripeInvalidRequest('parameter_missing', 'Missing required param: query.', 'query');
    }
    const { metadata, status } = parseSearchQuery(query);
    const data = context.accountOf(request).stripe.search(metadata, status).map(paymentIntentView);
    return answer(request, reply, {
      status: 200,
      body: {
        object: 'search_result',
        data,
        has_more: false,
        next_page: null,
        url: '/v1/payment_intents/search',
      },
    });
  });

  stripe.get<{ Params: { id: string } }>('/payment_intents/:id', async (request, reply) => {
    await controls.latency();
    const intent = findIntent(request, request.params.id);
    return answer(request, reply, { status: 200, body: paymentIntentView(intent) });
  });

  stripe.post('/refunds', (request, reply) =>
    idempotent(request, reply, async () => {
      const params = paramsOf(request);
      const { stripe: book } = context.accountOf(request);
      const intentId = optionalString(params, 'payment_intent');
      if (intentId === undefined) {
        throw stripeInvalidRequest(
          'parameter_missing',
          'One of the following params should be provided for this request: payment_intent.',
          'payment_intent',
        );
      }
      const intent = book.find(intentId);
      if (intent === undefined) throw stripeNoSuch('payment_intent', intentId, 'payment_intent');
      const reason = optionalString(params, 'reason');
      const now = context.clock();
      const refund = book.refund(
        intent,
        {
          ...(params.amount !== undefined && { amount: positiveInteger(params, 'amount') }),
          metadata: metadataOf(params),
          ...(reason !== undefined && { reason }),
        },
        now,
      );
      stats.increment('refundsCreated');
      context.log('stripe refund created', { refundId: refund.id, paymentIntent: intent.id });
      const { notify } = context.accountOf(request);
      await notify(event(request, 'charge.refunded', chargeView(intent), now));
      await notify(event(request, 'charge.refund.updated', refundView(refund), now));
      return { status: 200, body: refundView(refund) };
    }),
  );

  stripe.get<{ Params: { id: string } }>('/refunds/:id', async (request, reply) => {
    await controls.latency();
    const refund = context.accountOf(request).stripe.findRefund(request.params.id);
    return answer(request, reply, { status: 200, body: refundView(refund) });
  });

  /** Confirms an intent: 200 with it when it succeeded, 402 `card_error` when declined. */
  async function confirm(request: FastifyRequest, intent: PaymentIntent): Promise<StoredResponse> {
    const { stripe: book, notify } = context.accountOf(request);
    const confirmed = book.confirm(
      intent,
      stripeOutcomeFor(intent.paymentMethod ?? '', intent.amount),
    );
    stats.increment('chargesCreated');
    context.log('stripe payment intent confirmed', {
      paymentIntent: confirmed.id,
      status: confirmed.status,
    });
    const now = context.clock();
    const view = paymentIntentView(confirmed);
    const failure = confirmed.lastPaymentError;
    if (failure === undefined) {
      await notify(event(request, 'payment_intent.succeeded', view, now));
      return { status: 200, body: view };
    }
    await notify(event(request, 'payment_intent.payment_failed', view, now));
    const declined = new StripeApiError(402, 'card_error', failure.code, failure.message, {
      declineCode: failure.declineCode,
      charge: failure.charge,
      paymentIntent: view,
    });
    return { status: 402, body: declined.toBody() };
  }

  function findIntent(request: FastifyRequest, id: string): PaymentIntent {
    const intent = context.accountOf(request).stripe.find(id);
    if (intent === undefined) throw stripeNoSuch('payment_intent', id, 'intent');
    return intent;
  }
}

/** A Stripe event object for what a request just did. */
function event(
  request: FastifyRequest,
  type: StripeEventType,
  object: Record<string, unknown>,
  now: Date,
): StripeEvent {
  const key = request.headers['idempotency-key'];
  return {
    id: newId('evt'),
    object: 'event',
    type,
    api_version: SANDBOX_STRIPE_API_VERSION,
    created: Math.floor(now.getTime() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: request.id, idempotency_key: typeof key === 'string' ? key : null },
  };
}

function paramsOf(request: FastifyRequest): Params {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Params) : {};
}

function optionalString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw stripeInvalidRequest('parameter_invalid_string', `Invalid string: ${name}`, name);
  }
  return value;
}

function positiveInteger(params: Params, name: string): number {
  const value = params[name];
  if (value === undefined) {
    throw stripeInvalidRequest('parameter_missing', `Missing required param: ${name}.`, name);
  }
  if (typeof value !== 'string' || !/^[1-9]\d{0,11}$/.test(value)) {
    throw stripeInvalidRequest(
      'parameter_invalid_integer',
      `Invalid integer: ${typeof value === 'string' ? value : name}`,
      name,
    );
  }
  return Number(value);
}

function currencyOf(params: Params): string {
  const value = params.currency;
  if (value === undefined) {
    throw stripeInvalidRequest(
      'parameter_missing',
      'Missing required param: currency.',
      'currency',
    );
  }
  if (typeof value !== 'string' || !/^[a-zA-Z]{3}$/.test(value)) {
    throw stripeInvalidRequest('parameter_invalid_string', 'Invalid currency', 'currency');
  }
  return value.toLowerCase();
}

function metadataOf(params: Params): Record<string, string> {
  const value = params.metadata;
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw stripeInvalidRequest('parameter_invalid_string', 'Invalid metadata', 'metadata');
  }
  const metadata: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value as Params)) {
    if (typeof entry !== 'string') {
      throw stripeInvalidRequest(
        'parameter_invalid_string',
        'Invalid metadata',
        `metadata[${key}]`,
      );
    }
    metadata[key] = entry;
  }
  return metadata;
}

function assertKnownPaymentMethod(id: string): void {
  if (!isTestPaymentMethod(id)) throw stripeNoSuch('PaymentMethod', id, 'payment_method');
}

/**
 * The subset of Stripe's search query language the sandbox answers: clauses
 * `metadata['key']:'value'` and `status:'value'`, joined by AND.
 */
export function parseSearchQuery(query: string): {
  metadata: Record<string, string>;
  status?: string;
} {
  const metadata: Record<string, string> = {};
  let status: string | undefined;
  for (const clause of query.split(/\s+AND\s+/)) {
    const onMetadata = /^metadata\[['"]([^'"]+)['"]\]:['"]([^'"]*)['"]$/.exec(clause.trim());
    const onStatus = /^status:['"]([a-z_]+)['"]$/.exec(clause.trim());
    if (onMetadata !== null) metadata[onMetadata[1]] = onMetadata[2];
    else if (onStatus !== null) status = onStatus[1];
    else {
      throw stripeInvalidRequest(
        'parameter_invalid_string',
        `The sandbox cannot answer this search query clause: ${clause}`,
        'query',
      );
    }
  }
  return { metadata, ...(status !== undefined && { status }) };
}
