import { createHash } from 'node:crypto';
import { LedgerError } from '@ledger/errors';
import { type EventStore } from '@ledger/event-store';
import {
  decodePaymentEvent,
  paymentDecider,
  paymentStreamId,
  isUnsettled,
  readPaymentStream,
  type ChargeResumption,
  type PaymentCommand,
  type PaymentState,
  handleCommand,
  type HandledCommand,
} from '@ledger/ledger';
import type {
  AttemptRecord,
  GatewayCharge,
  GatewayOutcome,
  GatewayRefund,
  PaymentGateway,
} from '@ledger/outbound';
import stringify from 'safe-stable-stringify';
import { ulid } from 'ulid';
import type {
  RequestIdempotency,
  StoredResponse,
} from '../request-idempotency/request-idempotency.port';

export interface PaymentCommandResponse extends StoredResponse {
  body: Record<string, unknown>;
}

/** The request-idempotency lock: a run may own its payment this long after its last write. */
const DEFAULT_ABANDONED_AFTER_MS = 30_000;

/** The Idempotency-Key header sent to the gateway: one per operation, derived from stored ids. */
export const chargeKeyOf = (tenantId: string, paymentId: string): string =>
  `${tenantId}:${paymentId}:charge`;
export const refundKeyOf = (tenantId: string, paymentId: string, refundId: string): string =>
  `${tenantId}:${paymentId}:refund:${refundId}`;

export interface PaymentWorkflowOptions {
  /**
   * How long after its last event a `requested` or `processing` payment counts as abandoned, so
   * that reconcile may charge it (with the same gateway Idempotency-Key) when the gateway has
   * nothing for it. Not below the request-idempotency lock (30 s): until the lock expires, the
   * run that owns the payment may still be sending. Default 30 s.
   */
  abandonedAfterMs?: number;
}

/**
 * What the payment command handlers (request payment, request refund, reconcile) share: request
 * idempotency, then the decider records the intent, then the gateway is called with every
 * attempt recorded from inside the attempt, then the decider records the outcome. The gateway's
 * Idempotency-Key derives from ids stored before the first attempt, so a retried or resumed
 * request can never move money twice.
 */
export class PaymentWorkflow {
  constructor(
    private readonly store: EventStore,
    /** Each tenant's own gateway client (its account, its breaker). */
    private readonly gateways: (tenantId: string) => PaymentGateway,
    private readonly idempotency: RequestIdempotency,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = () => ulid(),
    private readonly options: PaymentWorkflowOptions = {},
  ) {}

  /**
   * Whether reconcile may charge a payment the gateway has no charge for. `outcome_unknown` was
   * concluded by a run that is over; `requested`/`processing` may still belong to a live run until
   * its request lock has expired, after that it is abandoned.
   */
  mayChargeAgain(state: PaymentState): boolean {
    if (state.status === 'outcome_unknown') return true;
    if (!isUnsettled(state) || state.updatedAt === undefined) return false;
    const idleMs = this.clock().getTime() - Date.parse(state.updatedAt);
    return idleMs >= (this.options.abandonedAfterMs ?? DEFAULT_ABANDONED_AFTER_MS);
  }

  /**
   * Charges a payment that is not concluded. Every run but the one that requested the payment
   * (`resumption` set) first records `ChargeResumed`, before it may send: the stream then shows
   * that a refusal to send (breaker open, bulkhead full) cannot prove nothing was sent.
   */
  async charge(
    tenantId: string,
    paymentId: string,
    state: PaymentState,
    correlationId: string | undefined,
    resumption?: ChargeResumption,
    actor = 'api',
  ): Promise<HandledCommand<PaymentState>> {
    const streamId = paymentStreamId(tenantId, paymentId);
    if (!isUnsettled(state)) return this.load(streamId);
    if (resumption !== undefined) {
      const resumed = await this.run(
        streamId,
        tenantId,
        correlationId,
        { type: 'ResumeCharge', data: { by: resumption } },
        actor,
      );
      if (!isUnsettled(resumed.state)) return resumed;
    }
    const outcome = await this.sendCharge(tenantId, paymentId, state, correlationId);
    return this.concludeCharge(tenantId, paymentId, outcome, correlationId, resumption, actor);
  }

  /**
   * Charges an accepted asynchronous payment (the charger's run), concluding it unless the call
   * was refused before anything was sent (breaker open, bulkhead full): a refusal proves nothing
   * and concludes nothing, it raises {@link ChargeNotSentError} so that the charge is tried again
   * later with the same gateway Idempotency-Key.
   */
  async chargeUnlessRefused(
    tenantId: string,
    paymentId: string,
    state: PaymentState,
    correlationId: string | undefined,
    actor: string,
  ): Promise<HandledCommand<PaymentState>> {
    const outcome = await this.sendCharge(tenantId, paymentId, state, correlationId, actor);
    if (outcome.outcome === 'not_attempted') throw new ChargeNotSentError(outcome.reason);
    return this.concludeCharge(tenantId, paymentId, outcome, correlationId, undefined, actor);
  }

  /** One charge operation through the tenant's gateway, every attempt recorded on the stream. */
  private sendCharge(
    tenantId: string,
    paymentId: string,
    state: PaymentState,
    correlationId: string | undefined,
    attemptActor = 'api',
  ): Promise<GatewayOutcome<GatewayCharge>> {
    const streamId = paymentStreamId(tenantId, paymentId);
    return this.gatewayFor(tenantId).charge(
      {
        paymentId,
        amount: state.amount,
        currency: state.currency ?? '',
        ...(state.orderId && { orderId: state.orderId }),
        ...(state.customerId && { customerId: state.customerId }),
        ...(state.description && { description: state.description }),
      },
      this.attemptContext(
        streamId,
        tenantId,
        correlationId,
        { operation: 'charge', idempotencyKey: chargeKeyOf(tenantId, paymentId) },
        attemptActor,
      ),
    );
  }

  private concludeCharge(
    tenantId: string,
    paymentId: string,
    outcome: GatewayOutcome<GatewayCharge>,
    correlationId: string | undefined,
    resumption: ChargeResumption | undefined,
    actor: string,
  ): Promise<HandledCommand<PaymentState>> {
    return this.run(
      paymentStreamId(tenantId, paymentId),
      tenantId,
      correlationId,
      {
        type: 'ConcludeCharge',
        data: {
          source: resumption === 'reconcile' ? 'reconcile' : 'gateway_response',
          ...chargeConclusion(outcome),
        },
      },
      actor,
    );
  }

  /** The tenant's own gateway client: no call for one tenant ever uses another's account. */
  gatewayFor(tenantId: string): PaymentGateway {
    return this.gateways(tenantId);
  }

  /** A gateway call's context: its key, and the recording of each attempt on the stream. */
  attemptContext(
    streamId: string,
    tenantId: string,
    correlationId: string | undefined,
    call: { operation: 'charge' | 'refund'; refundId?: string; idempotencyKey: string },
    /** Who records the attempts (`api` unless the charger calls). */
    actor = 'api',
  ) {
    return {
      ...call,
      onAttempt: async (record: AttemptRecord): Promise<void> => {
        await this.run(
          streamId,
          tenantId,
          correlationId,
          { type: 'RecordGatewayAttempt', data: record },
          actor,
        );
      },
    };
  }

  /** Decides `command` on the payment's stream and appends what it decided. */
  run(
    streamId: string,
    tenantId: string,
    correlationId: string | undefined,
    command: Pick<PaymentCommand, 'type' | 'data'>,
    actor = 'api',
  ): Promise<HandledCommand<PaymentState>> {
    return handleCommand(this.store, paymentDecider, decodePaymentEvent, streamId, {
      ...command,
      metadata: {
        now: this.clock().toISOString(),
        tenantId,
        actor,
        ...(correlationId !== undefined && { correlationId }),
      },
    } as PaymentCommand);
  }

  /** The payment's state and version, folded from its stream. */
  async load(streamId: string): Promise<HandledCommand<PaymentState>> {
    const { state, version } = await readPaymentStream(this.store, streamId);
    return { state, version };
  }

  /**
   * Runs `work` once per key: a repeat gets the stored response (a stored refusal is raised
   * again), a concurrent repeat 409, another body 422. A run that fails undecided (storage or
   * gateway unreachable) keeps its key locked until the lock expires; the retry after that resumes
   * the same resource id, so the gateway sees the same Idempotency-Key and money moves once.
   */
  async idempotently(
    scope: string,
    key: string,
    input: object,
    idPrefix: string,
    work: (resourceId: string) => Promise<PaymentCommandResponse>,
  ): Promise<PaymentCommandResponse> {
    const hash = createHash('sha256')
      .update(stringify(input) ?? '')
      .digest('hex');
    const begun = await this.idempotency.begin(scope, key, hash, `${idPrefix}_${this.newId()}`);
    if (begun.state === 'completed') return replay(begun.response);
    try {
      const response = await work(begun.resourceId);
      await this.idempotency.complete(scope, key, response);
      return response;
    } catch (error) {
      if (error instanceof LedgerError && error.status < 500) {
        await this.idempotency.complete(scope, key, refusalOf(error));
      }
      throw error;
    }
  }
}

/** A decided refusal, stored so that a repeat of the request is refused the same way. */
function refusalOf(error: LedgerError): StoredResponse {
  return {
    statusCode: error.status,
    body: { refused: true, code: error.code, detail: error.message, details: error.details() },
  };
}

function replay(response: StoredResponse): PaymentCommandResponse {
  const body = response.body as Record<string, unknown>;
  if (body.refused === true) {
    throw new ReplayedRefusalError(
      response.statusCode,
      String(body.code),
      String(body.detail),
      (body.details ?? {}) as Record<string, unknown>,
    );
  }
  return { statusCode: response.statusCode, body };
}

/**
 * The gateway client refused to send a charge or refund (breaker open, bulkhead full): nothing
 * was sent, so nothing is concluded and the call may be tried again with the same key.
 */
export class ChargeNotSentError extends LedgerError {
  readonly code = 'charge_not_sent';
  readonly status = 503;

  constructor(readonly reason: string) {
    super(`The gateway call was not sent (${reason}); it is tried again later`);
  }
}

/** The refusal a request with the same Idempotency-Key got the first time. */
export class ReplayedRefusalError extends LedgerError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    private readonly extra: Record<string, unknown>,
  ) {
    super(message);
  }

  override details(): Record<string, unknown> {
    return this.extra;
  }
}

function chargeConclusion(outcome: GatewayOutcome<GatewayCharge>) {
  switch (outcome.outcome) {
    case 'succeeded':
      return { outcome: 'succeeded' as const, gatewayTransactionId: outcome.value.id };
    case 'declined':
      // The code, not the gateway's prose: the webhook of the same decline carries only the code,
      // and both must read the same (`insufficient_funds`).
      return { outcome: 'declined' as const, reason: outcome.code, declineCode: outcome.code };
    case 'not_attempted':
      // The decider decides: `failed` only if no other run may have sent the charge.
      return { outcome: 'not_attempted' as const, reason: outcome.reason };
    case 'unknown':
      return { outcome: 'unknown' as const, reason: outcome.reason };
  }
}

/** What a refund call concluded, as the decider records it. */
export function refundConclusion(outcome: GatewayOutcome<GatewayRefund>) {
  switch (outcome.outcome) {
    case 'succeeded':
      return outcome.value.status === 'succeeded'
        ? { outcome: 'succeeded' as const, gatewayRefundId: outcome.value.id }
        : { outcome: 'failed' as const, reason: 'refund failed at the gateway' };
    case 'declined':
      return { outcome: 'failed' as const, reason: `${outcome.code}: ${outcome.reason}` };
    case 'not_attempted':
      // The decider decides: `failed` only if no other run may have sent the refund.
      return { outcome: 'not_attempted' as const, reason: outcome.reason };
    case 'unknown':
      return { outcome: 'unknown' as const, reason: outcome.reason };
  }
}
