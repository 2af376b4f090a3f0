import { LedgerError } from '@ledger/errors';
import type { StoredEvent } from '@ledger/event-store';
import {
  findRefund,
  isRefundPending,
  isUnsettled,
  parsePaymentStreamId,
  paymentStreamId,
  type HandledCommand,
  type PaymentState,
} from '@ledger/ledger';
import type { GatewayOutcome, GatewayRefund } from '@ledger/outbound';
import type { RecordHead, StreamConsumer } from '@ledger/stream-consumer';
import { ReconcilePayment } from '../reconcile-payment/reconcile-payment.command';
import { ReconcilePaymentHandler } from '../reconcile-payment/reconcile-payment.handler';
import {
  ChargeNotSentError,
  refundConclusion,
  refundKeyOf,
  type PaymentWorkflow,
} from '../payment-workflow/payment-workflow';

export const CHARGER = 'charger';

/** Who the charger's events name as their actor. */
const ACTOR = 'charger';

/** The request events the charger acts on: those accepted asynchronously (`mode: async`). */
export const CHARGER_EVENT_TYPES = ['PaymentRequested', 'RefundRequested'] as const;

/**
 * Whether the charger acts on `event`: a payment or refund request that was only accepted
 * (`Prefer: respond-async`, a batch item). Everything else is skipped without a read.
 */
export function chargerActsOn(event: Pick<StoredEvent, 'type' | 'data'>): boolean {
  return (
    (CHARGER_EVENT_TYPES as readonly string[]).includes(event.type) && event.data.mode === 'async'
  );
}

/**
 * `chargerActsOn` on a stream record's head, before it is decoded (`StreamConsumer.wants`): the
 * request's type and its `data.mode`, a string member of the image.
 */
export function chargerWants(head: RecordHead): boolean {
  const mode = head.dataString('mode');
  return chargerActsOn({ type: head.type, data: mode === undefined ? {} : { mode } });
}

/**
 * An accepted charge or refund the gateway left without an outcome (`outcome_unknown`): the record
 * fails, so it is tried again (each try reconciles with the same gateway Idempotency-Key) and, past
 * the retries, parked, where `ledger consumers redrive charger` settles it.
 */
export class ChargeUnsettledError extends LedgerError {
  readonly code = 'charge_unsettled';
  readonly status = 503;

  constructor(what: string, status: string) {
    super(`${what} is ${status} after the gateway call; it is tried again`);
  }
}

/** What the charger reports of each request it concluded (the backlog's exit side). */
export interface ChargerReport {
  tenantId: string;
  paymentId: string;
  refundId?: string;
  status: string;
  /** From the request's acceptance to its outcome. */
  waitedMs: number;
}

/**
 * The charger: makes the gateway call of each asynchronously accepted payment or refund, through
 * the same {@link PaymentWorkflow} (policies, Idempotency-Key, attempt events) as the synchronous
 * path, and concludes it. Idempotent: the payment's stream decides, so a redelivered request of a
 * concluded payment does nothing. A call the breaker or bulkhead refused concludes nothing (nothing
 * was sent): the record fails and is retried with backoff, the payment stays `requested`.
 */
export class Charger implements StreamConsumer {
  readonly name = CHARGER;
  /**
   * Long enough to outlast an open breaker (its half-open probe comes after 5 s): about 30 s of
   * backoff before a record is parked.
   */
  readonly retry = { maxAttempts: 8, initialDelayMs: 500, maxDelayMs: 8_000 };

  private readonly reconcile: ReconcilePaymentHandler;

  constructor(
    private readonly workflow: PaymentWorkflow,
    private readonly report: (concluded: ChargerReport) => void = () => undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.reconcile = new ReconcilePaymentHandler(workflow);
  }

  wants(head: RecordHead): boolean {
    return chargerWants(head);
  }

  async handle(event: StoredEvent): Promise<void> {
    if (!chargerActsOn(event)) return;
    const ids = parsePaymentStreamId(event.streamId);
    if (ids === undefined) return;
    const correlationId = event.metadata.correlationId;
    if (event.type === 'PaymentRequested') {
      await this.charge(ids.tenantId, ids.paymentId, correlationId, event.recordedAt);
    } else {
      const refundId = String(event.data.refundId);
      await this.refund(ids.tenantId, ids.paymentId, refundId, correlationId, event.recordedAt);
    }
  }

  private async charge(
    tenantId: string,
    paymentId: string,
    correlationId: string | undefined,
    acceptedAt: string,
  ): Promise<void> {
    const current = await this.workflow.load(paymentStreamId(tenantId, paymentId));
    if (!isUnsettled(current.state)) return;
    let settled: HandledCommand<PaymentState>;
    if (current.state.status === 'outcome_unknown') {
      // A try after the gateway left it unknown: ask the gateway first, charge again with the
      // same key only if it has nothing (reconcile records ChargeResumed before sending).
      await this.reconcile.execute(new ReconcilePayment(tenantId, paymentId, correlationId, ACTOR));
      settled = await this.workflow.load(paymentStreamId(tenantId, paymentId));
    } else {
      settled = await this.workflow.chargeUnlessRefused(
        tenantId,
        paymentId,
        current.state,
        correlationId,
        ACTOR,
      );
    }
    if (isUnsettled(settled.state)) {
      throw new ChargeUnsettledError(`Payment ${paymentId}`, String(settled.state.status));
    }
    this.report({
      tenantId,
      paymentId,
      status: String(settled.state.status),
      waitedMs: this.clock().getTime() - Date.parse(acceptedAt),
    });
  }

  private async refund(
    tenantId: string,
    paymentId: string,
    refundId: string,
    correlationId: string | undefined,
    acceptedAt: string,
  ): Promise<void> {
    const streamId = paymentStreamId(tenantId, paymentId);
    const current = await this.workflow.load(streamId);
    const refund = findRefund(current.state, refundId);
    if (refund === undefined || !isRefundPending(refund)) return;
    if (refund.status === 'outcome_unknown') {
      // Another try after an unknown outcome: the stream must say that a run may have sent it.
      await this.workflow.run(
        streamId,
        tenantId,
        correlationId,
        { type: 'ResumeRefund', data: { refundId, by: 'reconcile' } },
        ACTOR,
      );
    }
    const chargeId = current.state.gatewayTransactionId;
    const outcome: GatewayOutcome<GatewayRefund> =
      chargeId === undefined
        ? { outcome: 'unknown', reason: 'no gateway transaction is known for this payment' }
        : await this.workflow.gatewayFor(tenantId).refund(
            { chargeId, refundId, amount: refund.amount, paymentId },
            this.workflow.attemptContext(
              streamId,
              tenantId,
              correlationId,
              {
                operation: 'refund',
                refundId,
                idempotencyKey: refundKeyOf(tenantId, paymentId, refundId),
              },
              ACTOR,
            ),
          );
    if (outcome.outcome === 'not_attempted') throw new ChargeNotSentError(outcome.reason);
    const settled = await this.workflow.run(
      streamId,
      tenantId,
      correlationId,
      {
        type: 'ConcludeRefund',
        data: { refundId, source: 'gateway_response', ...refundConclusion(outcome) },
      },
      ACTOR,
    );
    const concluded = findRefund(settled.state, refundId);
    if (concluded === undefined || isRefundPending(concluded)) {
      throw new ChargeUnsettledError(`Refund ${refundId}`, concluded?.status ?? 'unknown');
    }
    this.report({
      tenantId,
      paymentId,
      refundId,
      status: concluded.status,
      waitedMs: this.clock().getTime() - Date.parse(acceptedAt),
    });
  }
}
