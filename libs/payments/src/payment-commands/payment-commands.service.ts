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

/** The Idempotency-Key header sent to the gateway: one per operation, derived from stored ids. */
export const chargeKeyOf = (tenantId: string, paymentId: string): string =>
  `${tenantId}:${paymentId}:charge`;
export const refundKeyOf = (tenantId: string, paymentId: string, refundId: string): string =>
  `${tenantId}:${paymentId}:refund:${refundId}`;

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
      const requested = await this.run(streamId, tenantId, correlationId, {
        type: 'RequestPayment',
        data: { paymentId, ...input },
      }).catch(async (error: unknown) => {
        // A resumed request finds its payment already requested: carry on from its state.
        if (error instanceof PaymentAlreadyExistsError) return this.load(streamId);
        throw error;
      });
      const settled = await this.charge(tenantId, paymentId, requested.state, correlationId);
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

  /** Asks the gateway what became of a charge whose outcome the ledger does not know. */
  async reconcile(
    tenantId: string,
    paymentId: string,
    correlationId?: string,
  ): Promise<PaymentCommandResponse> {
    const streamId = paymentStreamId(tenantId, paymentId);
    const current = await this.load(streamId);
    if (!current.state.exists) throw new PaymentNotFoundError(paymentId);
    const found = await this.gatewayFor(tenantId).findCharge(paymentId);
    let settled = current;
    if (found.outcome === 'succeeded' && found.value !== undefined) {
      settled = await this.run(streamId, tenantId, correlationId, {
        type: 'ConcludeCharge',
        data:
          found.value.status === 'succeeded'
            ? { outcome: 'succeeded', gatewayTransactionId: found.value.id, source: 'reconcile' }
            : {
                outcome: 'declined',
                reason: found.value.declineCode ?? 'declined',
                ...(found.value.declineCode && { declineCode: found.value.declineCode }),
                source: 'reconcile',
              },
      });
    } else if (found.outcome === 'succeeded' && current.state.status === 'outcome_unknown') {
      // The gateway has no charge for it: nothing was taken. Charge again with the same key.
      settled = await this.charge(tenantId, paymentId, current.state, correlationId);
    }
    return {
      statusCode: 200,
      body: { paymentId, status: settled.state.status, version: settled.version },
    };
  }

  private async charge(
    tenantId: string,
    paymentId: string,
    state: PaymentState,
    correlationId: string | undefined,
  ): Promise<HandledCommand<PaymentState>> {
    const streamId = paymentStreamId(tenantId, paymentId);
    if (
      state.status !== 'requested' &&
      state.status !== 'processing' &&
      state.status !== 'outcome_unknown'
    ) {
      return this.load(streamId);
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
    return this.run(streamId, tenantId, correlationId, {
      type: 'ConcludeCharge',
      data: { source: 'gateway_response', ...chargeConclusion(outcome) },
    });
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
  ): Promise<HandledCommand<PaymentState>> {
    return handleCommand(this.store, paymentDecider, streamId, {
      ...command,
      metadata: {
        now: this.clock().toISOString(),
        tenantId,
        actor: 'api',
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
      return { outcome: 'declined' as const, reason: outcome.reason, declineCode: outcome.code };
    case 'not_attempted':
      return {
        outcome: 'declined' as const,
        reason: `gateway not attempted: ${outcome.reason}`,
        declineCode: outcome.reason,
      };
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
      return { outcome: 'failed' as const, reason: `gateway not attempted: ${outcome.reason}` };
    case 'unknown':
      return { outcome: 'unknown' as const, reason: outcome.reason };
  }
}
