import { InMemoryEventStore } from '@ledger/event-store/in-memory';
import { paymentStreamId } from '@ledger/ledger';
import type {
  CallContext,
  ChargeRequest,
  GatewayCharge,
  GatewayOutcome,
  GatewayRefund,
  PaymentGateway,
  RefundRequest,
} from '@ledger/outbound';
import { InMemoryRequestIdempotency } from '../infrastructure/in-memory-request-idempotency';
import { PaymentWorkflow } from './payment-workflow';

export const START = new Date('2026-03-01T12:00:00.000Z');

/**
 * A gateway whose answers the test scripts. Each charge or refund that is "sent" records one
 * attempt through the context, as the real client does from inside the attempt.
 */
export class ScriptedGateway implements PaymentGateway {
  chargeAnswer: GatewayOutcome<GatewayCharge> = {
    outcome: 'succeeded',
    value: { id: 'ch_1', status: 'succeeded', amount: 0, currency: 'EUR', paymentId: '' },
    httpStatus: 201,
  };
  refundAnswer: GatewayOutcome<GatewayRefund> = {
    outcome: 'succeeded',
    value: { id: 'rf_1', status: 'succeeded', amount: 0, chargeId: 'ch_1' },
    httpStatus: 201,
  };
  found: GatewayOutcome<GatewayCharge | undefined> = {
    outcome: 'succeeded',
    value: undefined,
    httpStatus: 404,
  };
  readonly charges: Array<{ request: ChargeRequest; idempotencyKey: string }> = [];
  readonly refunds: Array<{ request: RefundRequest; idempotencyKey: string }> = [];

  constructor(private readonly clock: () => Date) {}

  async charge(request: ChargeRequest, context: CallContext) {
    if (this.chargeAnswer.outcome !== 'not_attempted') {
      this.charges.push({ request, idempotencyKey: context.idempotencyKey });
      await this.attempt(
        context,
        this.chargeAnswer.outcome === 'unknown' ? 'timeout' : 'succeeded',
      );
    }
    return this.chargeAnswer;
  }

  async refund(request: RefundRequest, context: CallContext) {
    if (this.refundAnswer.outcome !== 'not_attempted') {
      this.refunds.push({ request, idempotencyKey: context.idempotencyKey });
      await this.attempt(
        context,
        this.refundAnswer.outcome === 'unknown' ? 'timeout' : 'succeeded',
      );
    }
    return this.refundAnswer;
  }

  findCharge(): Promise<GatewayOutcome<GatewayCharge | undefined>> {
    return Promise.resolve(this.found);
  }

  circuitState() {
    return 'closed' as const;
  }

  private attempt(context: CallContext, outcome: 'succeeded' | 'timeout'): Promise<void> {
    return context.onAttempt({
      operation: context.operation,
      ...(context.refundId !== undefined && { refundId: context.refundId }),
      attempt: 1,
      idempotencyKey: context.idempotencyKey,
      method: 'POST',
      path: context.operation === 'charge' ? '/charges' : '/refunds',
      startedAt: this.clock().toISOString(),
      durationMs: 5,
      outcome,
      ...(outcome === 'succeeded' && { httpStatus: 201 }),
      breakerState: 'closed',
    });
  }
}

/** The payment workflow on the in-memory twins of its ports, with a clock the test moves. */
export function workflowOnTwins() {
  let now = START.getTime();
  const clock = (): Date => new Date(now);
  const store = new InMemoryEventStore({ clock });
  const idempotency = new InMemoryRequestIdempotency({ clock });
  const gateway = new ScriptedGateway(clock);
  let ids = 0;
  const workflow = new PaymentWorkflow(
    store,
    () => gateway,
    idempotency,
    clock,
    () => `${String(++ids).padStart(4, '0')}`,
  );
  return {
    workflow,
    store,
    idempotency,
    gateway,
    clock,
    advance(ms: number): void {
      now += ms;
    },
    /** The types of the events on a payment's stream, in order. */
    async typesOf(tenantId: string, paymentId: string): Promise<string[]> {
      const types: string[] = [];
      for await (const event of store.readWholeStream(paymentStreamId(tenantId, paymentId))) {
        types.push(event.type);
      }
      return types;
    },
  };
}
