import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { hasApiKey } from './api-key';
import { ChargeBook } from './charge-book';
import { journalOf, type FileChargeJournal } from './charge-journal';
import { registerChargeRoutes } from './charges.routes';
import { registerControlRoutes, type SandboxControlTarget } from './control.routes';
import { FaultControls } from './fault-controls';
import { injectFault } from './fault-injection';
import { GatewayApiError } from './gateway-api.error';
import { IdempotencyStore } from './idempotency-store';
import { newId } from './ids';
import { registerRefundRoutes } from './refunds.routes';
import type { SandboxAccount, SandboxContext } from './sandbox-context';
import type {
  RunningSandboxGateway,
  SandboxAccountOptions,
  SandboxFaults,
  SandboxGatewayOptions,
  SandboxStats,
  ScriptedResponse,
} from './sandbox-gateway.types';
import { SandboxStatsRecorder } from './sandbox-stats';
import { StripeBook } from './stripe/stripe-book';
import { registerStripeRoutes } from './stripe/stripe.routes';
import { DEFAULT_WEBHOOK_RETRY, WebhookSender } from './webhook-sender';

/** Real gateways refuse large bodies early; a small limit keeps clients honest. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** Fastify's own client errors, under the sandbox's stable codes. */
const FASTIFY_ERROR_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_request',
};

/**
 * The accounts a sandbox hosts: `apiKey` (with `webhook`) as the first, then `accounts`. Throws
 * without any, or when two share a key.
 */
function accountsOf(options: SandboxGatewayOptions): SandboxAccountOptions[] {
  const accounts: SandboxAccountOptions[] = [
    ...(options.apiKey !== undefined
      ? [{ apiKey: options.apiKey, ...(options.webhook && { webhook: options.webhook }) }]
      : []),
    ...(options.accounts ?? []),
  ];
  if (
    accounts.length === 0 ||
    accounts.some((a) => typeof a.apiKey !== 'string' || a.apiKey === '')
  ) {
    throw new TypeError('The sandbox gateway needs at least one account with a non-empty apiKey');
  }
  if (new Set(accounts.map((a) => a.apiKey)).size !== accounts.length) {
    throw new TypeError('Two sandbox accounts share an apiKey');
  }
  return accounts;
}

/** Starts a sandbox payment gateway with in-memory state; resolves once it is listening. */
export async function startSandboxGateway(
  options: SandboxGatewayOptions,
): Promise<RunningSandboxGateway> {
  const log = options.log ?? ((): void => undefined);
  const controls = new FaultControls(options.faults, options.random ?? Math.random);
  const stats = new SandboxStatsRecorder();
  const journals: FileChargeJournal[] = [];
  const accounts = accountsOf(options).map((account) => {
    const sender =
      account.webhook === undefined
        ? undefined
        : new WebhookSender({
            ...account.webhook,
            retry: { ...DEFAULT_WEBHOOK_RETRY, ...options.webhookRetry },
            onDelivered: () => stats.increment('webhooksSent'),
            onFailedAttempt: () => stats.increment('webhookFailures'),
            log,
          });
    const state: SandboxAccount = {
      book: new ChargeBook(journalOf(options.bookDir, account.apiKey, journals)),
      idempotency: new IdempotencyStore(),
      stripe: new StripeBook(),
      notify: (event) =>
        sender === undefined ? Promise.resolve() : sender.dispatch(event, controls.planWebhook()),
    };
    return { apiKey: account.apiKey, webhookUrl: account.webhook?.url, sender, state };
  });
  const authenticated = new WeakMap<FastifyRequest, SandboxAccount>();
  const context: SandboxContext = {
    controls,
    stats,
    clock: () => new Date(),
    accountOf: (request) => {
      const account = authenticated.get(request);
      // Routes under /v1 run only after the API key hook chose an account.
      if (account === undefined) throw new Error('no sandbox account for this request');
      return account;
    },
    log,
  };
  const authenticate = (request: FastifyRequest): boolean => {
    let found: SandboxAccount | undefined;
    // Every key is compared, whichever matches, so timing tells nothing about the keys.
    for (const account of accounts) {
      if (hasApiKey(request.headers.authorization, account.apiKey)) found = account.state;
    }
    if (found !== undefined) authenticated.set(request, found);
    return found !== undefined;
  };
  const control: SandboxControlTarget = {
    setFaults: (changes) => controls.set(changes),
    script: (responses) => controls.script(responses),
    reset: () => {
      for (const { state } of accounts) {
        state.book.clear();
        state.idempotency.clear();
        state.stripe.clear();
      }
      stats.reset();
      controls.reset();
    },
    stats: () => stats.snapshot(),
  };

  const app = buildSandboxApp(authenticate, context, control);
  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const { address, port } = app.server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  log('sandbox gateway listening', {
    port,
    accounts: accounts.length,
    webhookUrls: accounts.map((a) => a.webhookUrl).filter((url) => url !== undefined),
  });

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    stop: () => {
      // Webhooks first: an early webhook holds its request open until its first attempt ends.
      stopping ??= (async () => {
        await Promise.all(accounts.map((account) => account.sender?.stop() ?? Promise.resolve()));
        await app.close();
        for (const journal of journals) journal.close();
      })();
      return stopping;
    },
    setFaults: (faults: Partial<SandboxFaults>) => void controls.set(faults),
    script: (responses: ScriptedResponse[]) => void controls.script(responses),
    stats: (): SandboxStats => stats.snapshot(),
    reset: () => control.reset(),
  };
}

/**
 * The Fastify app of one sandbox: `/v1` behind the API key and fault injection (its own API and
 * its Stripe mode, `/v1/payment_intents` and `/v1/refunds`), `/_control`.
 */
function buildSandboxApp(
  authenticate: (request: FastifyRequest) => boolean,
  context: SandboxContext,
  control: SandboxControlTarget,
): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    // A hanging request never ends by itself; stop must be able to cut it off.
    forceCloseConnections: true,
    genReqId: () => newId('req'),
  });

  app.addHook('onRequest', (request, reply, done) => {
    // `Request-Id` is the name Stripe's API (and so its SDK) uses; the same id under both.
    reply.header('x-request-id', request.id);
    reply.header('request-id', request.id);
    done();
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url}` },
    });
  });

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error instanceof GatewayApiError) {
      return reply.code(error.status).headers(error.headers).send(error.toBody());
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = FASTIFY_ERROR_CODES[error.code] ?? 'invalid_request';
      return reply.code(status).send({ error: { code, message: error.message } });
    }
    context.log('sandbox gateway error', { error: String(error) });
    return reply
      .code(500)
      .send({ error: { code: 'internal_error', message: 'The sandbox gateway failed' } });
  });

  registerControlRoutes(app, control);

  void app.register(
    (v1, _options, done) => {
      v1.addHook('onRequest', (request, reply, done) => {
        const key = request.headers['idempotency-key'];
        context.stats.request(typeof key === 'string' ? key : undefined);
        // Seen from the server, a client timeout is a connection closed before the answer.
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished) context.stats.aborted();
        });
        if (authenticate(request)) {
          done();
          return;
        }
        done(
          new GatewayApiError(401, 'unauthorized', 'A valid Bearer API key is required', {
            'www-authenticate': 'Bearer',
          }),
        );
      });
      v1.addHook('preHandler', injectFault(context.controls));
      registerChargeRoutes(v1, context);
      registerRefundRoutes(v1, context);
      registerStripeRoutes(v1, context);
      done();
    },
    { prefix: '/v1' },
  );
  return app;
}
