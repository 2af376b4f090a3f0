import { createHash } from 'node:crypto';
import { LedgerError } from '@ledger/errors';
import { handleCommand, type EventStore, type HandledCommand } from '@ledger/event-store';
import {
  paymentDecider,
  paymentStreamId,
  PaymentAlreadyExistsError,
  PaymentNotFoundError,
  RefundNotFoundError,
  findRefund,
  isUnsettled,
  type ChargeResumption,
  type PaymentCommand,
  type PaymentState,
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
import {
  requestScope,
  type RequestIdempotency,
  type StoredResponse,
} from '../request-idempotency/request-idempotency.port';

export interface CreatePaymentInput {
  amount: number;
  currency: string;
  customerId?: string;
  orderId?: string;
  description?: string;
}

export interface RefundPaymentInput {
  amount: number;
  reason?: string;
}

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

export interface PaymentCommandsOptions {
  /**
   * How long after its last event a `requested` or `processing` payment counts as abandoned, so
   * that reconcile may charge it (with the same gateway Idempotency-Key) when the gateway has
   * nothing for it. Not below the request-idempotency lock (30 s): until the lock expires, the
   * run that owns the payment may still be sending. Default 30 s.
   */
  abandonedAfterMs?: number;
}

/**
 * The payment commands behind `POST /payments`, `POST /payments/{id}/refunds` and reconcile:
 * request idempotency, then the decider records the intent, then the gateway is called with every
 * attempt recorded from inside the attempt, then the decider records the outcome. The gateway's
 * Idempotency-Key derives from ids stored before the first attempt, so a retried or resumed
 * request can never move money twice.
 */
export class PaymentCommands {
  constructor(
    private readonly store: EventStore,
    /** Each tenant's own gateway client (its account, its breaker). */
    private readonly gateways: (tenantId: string) => PaymentGateway,
    private readonly idempotency: RequestIdempotency,
    private readonly clock: () => Date = () => new Date(),
    private readonly newId: () => string = () => ulid(),
    private readonly options: PaymentCommandsOptions = {},
  ) {}

  async create(
    tenantId: string,
    idempotencyKey: string,
    input: CreatePaymentInput,
    correlationId?: string,
  ): Promise<PaymentCommandResponse> {
    const scope = requestScope(tenantId, 'create-payment');
    return this.idempotently(scope, idempotencyKey, input, 'pay', async (paymentId) => {
      const streamId = paymentStreamId(tenantId, paymentId);
      let resumption: ChargeResumption | undefined;
      const requested = await this.run(streamId, tenantId, correlationId, {
        type: 'RequestPayment',
        data: { paymentId, ...input },
      }).catch(async (error: unknown) => {
        // A resumed request finds its payment already requested: carry on from its state. An
        // earlier run may have sent the charge before it died.
        if (error instanceof PaymentAlreadyExistsError) {
          resumption = 'request_retry';
          return this.load(streamId);
        }
        throw error;
      });
      const settled = await this.charge(
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

  async refund(
    tenantId: string,
    paymentId: string,
    idempotencyKey: string,
    input: RefundPaymentInput,
    correlationId?: string,
  ): Promise<PaymentCommandResponse> {
    const scope = requestScope(tenantId, 'refund', paymentId);
    return this.idempotently(scope, idempotencyKey, input, 're', async (refundId) => {
      const streamId = paymentStreamId(tenantId, paymentId);
      const current = await this.load(streamId);
      if (!current.state.exists) throw new PaymentNotFoundError(paymentId);
      let handled = current;
      if (findRefund(current.state, refundId) === undefined) {
        handled = await this.run(streamId, tenantId, correlationId, {
          type: 'RequestRefund',
          data: { refundId, amount: input.amount, ...(input.reason && { reason: input.reason }) },
        });
      } else {
        // A resumed request: an earlier run may have sent the refund before it died.
        handled = await this.run(streamId, tenantId, correlationId, {
          type: 'ResumeRefund',
          data: { refundId, by: 'request_retry' },
        });
      }
      const chargeId = handled.state.gatewayTransactionId;
      const outcome: GatewayOutcome<GatewayRefund> =
        chargeId === undefined
          ? { outcome: 'unknown', reason: 'no gateway transaction is known for this payment' }
          : await this.gatewayFor(tenantId).refund(
              { chargeId, refundId, amount: input.amount, paymentId },
              this.attemptContext(streamId, tenantId, correlationId, {
                operation: 'refund',
                refundId,
                idempotencyKey: refundKeyOf(tenantId, paymentId, refundId),
              }),
            );
      const settled = await this.run(streamId, tenantId, correlationId, {
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

  /**
   * Asks the gateway what became of a charge that is not concluded (or checks a concluded one):
   * a charge found concludes the payment, or is recorded as a contradiction when it disagrees with
   * the recorded outcome. When the gateway has none, an `outcome_unknown` payment, or a
   * `requested`/`processing` one abandoned for longer than the request lock, is charged again
   * with the same gateway Idempotency-Key.
   */
  async reconcile(
    tenantId: string,
    paymentId: string,
    correlationId?: string,
    actor = 'api',
  ): Promise<PaymentCommandResponse> {
    const streamId = paymentStreamId(tenantId, paymentId);
    const current = await this.load(streamId);
    if (!current.state.exists) throw new PaymentNotFoundError(paymentId);
    const found = await this.gatewayFor(tenantId).findCharge(paymentId);
    let settled = current;
    if (found.outcome === 'succeeded' && found.value !== undefined) {
      settled = await this.run(
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
    } else if (found.outcome === 'succeeded' && this.mayChargeAgain(current.state)) {
      // The gateway has no charge for it: nothing was taken. Charge again with the same key.
      settled = await this.charge(
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

  // `outcome_unknown` was concluded by a run that is over. `requested`/`processing` may still
  // belong to a live run until its request lock has expired; after that it is abandoned.
  private mayChargeAgain(state: PaymentState): boolean {
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
  private async charge(
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
    const outcome = await this.gatewayFor(tenantId).charge(
      {
        paymentId,
        amount: state.amount,
        currency: state.currency ?? '',
        ...(state.orderId && { orderId: state.orderId }),
        ...(state.customerId && { customerId: state.customerId }),
        ...(state.description && { description: state.description }),
      },
      this.attemptContext(streamId, tenantId, correlationId, {
        operation: 'charge',
        idempotencyKey: chargeKeyOf(tenantId, paymentId),
      }),
    );
    return this.run(
      streamId,
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
  private gatewayFor(tenantId: string): PaymentGateway {
    return this.gateways(tenantId);
  }

  private attemptContext(
    streamId: string,
    tenantId: string,
    correlationId: string | undefined,
    call: { operation: 'charge' | 'refund'; refundId?: string; idempotencyKey: string },
  ) {
    return {
      ...call,
      onAttempt: async (record: AttemptRecord): Promise<void> => {
        await this.run(streamId, tenantId, correlationId, {
          type: 'RecordGatewayAttempt',
          data: record,
        });
      },
    };
  }

  private run(
    streamId: string,
    tenantId: string,
    correlationId: string | undefined,
    command: Pick<PaymentCommand, 'type' | 'data'>,
    actor = 'api',
  ): Promise<HandledCommand<PaymentState>> {
    return handleCommand(this.store, paymentDecider, streamId, {
      ...command,
      metadata: {
        now: this.clock().toISOString(),
        tenantId,
        actor,
        ...(correlationId !== undefined && { correlationId }),
      },
    } as PaymentCommand);
  }

  private async load(streamId: string): Promise<HandledCommand<PaymentState>> {
    let state = paymentDecider.initialState();
    let version = 0;
    for await (const event of this.store.readWholeStream(streamId)) {
      state = paymentDecider.evolve(state, event as never);
      version = event.version;
    }
    return { state, version };
  }

  /**
   * Runs `work` once per key: a repeat gets the stored response (a stored refusal is raised
   * again), a concurrent repeat 409, another body 422. A run that fails undecided (storage or
   * gateway unreachable) keeps its key locked until the lock expires; the retry after that resumes
   * the same resource id, so the gateway sees the same Idempotency-Key and money moves once.
   */
  private async idempotently(
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

function refundConclusion(outcome: GatewayOutcome<GatewayRefund>) {
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
