/**
 * A payment gateway double for unit specs of the code that moves money. Plain TypeScript (no Jest
 * globals): the build compiles every file not named `*.spec.ts`.
 */
import type {
  CallContext,
  ChargeRequest,
  GatewayCharge,
  GatewayCircuitState,
  GatewayOutcome,
  GatewayRefund,
  PaymentGateway,
  RefundRequest,
} from '@ledger/outbound';

/**
 * How the scripted gateway treats the next call:
 * - `answer`: takes the money and says so; `decline`: refuses it, definitively;
 * - `lost`: takes the money, but the answer never arrives (timeout);
 * - `unreachable`: nothing arrives at the gateway, and the client cannot tell (network error);
 * - `breaker_open`: the client refuses to send at all (nothing left this process);
 * - `crash`: the money is taken, then the calling process dies before it learns the answer.
 */
export type Step = 'answer' | 'decline' | 'lost' | 'unreachable' | 'breaker_open' | 'crash';

/** The process died mid-call: not a `LedgerError`, so the request's key stays locked. */
export class ProcessDied extends Error {}

/**
 * A payment gateway the test scripts, behind the real port: it dedupes charges by Idempotency-Key
 * as a real gateway does, hands every attempt (refusals included) to `onAttempt` from inside the
 * call, and remembers what it was asked. A double of the port, not of any SDK.
 */
export class ScriptedGateway implements PaymentGateway {
  readonly calls: { operation: string; idempotencyKey: string; paymentId: string }[] = [];
  /** Charges the gateway holds, by our payment id. */
  readonly charges = new Map<string, GatewayCharge>();
  private readonly chargeKeys = new Map<string, GatewayCharge>();
  private readonly steps: Step[] = [];
  private issued = 0;
  /** What `circuitState()` reports (the scripted steps decide what each call does). */
  circuit: GatewayCircuitState = 'closed';

  constructor(readonly account: string) {}

  script(...steps: Step[]): void {
    this.steps.push(...steps);
  }

  async charge(
    request: ChargeRequest,
    context: CallContext,
  ): Promise<GatewayOutcome<GatewayCharge>> {
    const step = this.steps.shift() ?? 'answer';
    this.calls.push({
      operation: 'charge',
      idempotencyKey: context.idempotencyKey,
      paymentId: request.paymentId,
    });
    if (step === 'breaker_open') {
      await context.onAttempt(this.attempt(context, 'circuit_open', 'open'));
      return { outcome: 'not_attempted', reason: 'circuit_open' };
    }
    if (step === 'unreachable') {
      await context.onAttempt(this.attempt(context, 'network_error'));
      return { outcome: 'unknown', reason: 'network error' };
    }
    let charge = this.chargeKeys.get(context.idempotencyKey);
    if (charge === undefined) {
      charge = {
        id: `ch_${this.account}_${++this.issued}`,
        status: step === 'decline' ? 'declined' : 'succeeded',
        amount: request.amount,
        currency: request.currency,
        paymentId: request.paymentId,
        ...(step === 'decline' && { declineCode: 'insufficient_funds' }),
      };
      this.chargeKeys.set(context.idempotencyKey, charge);
      this.charges.set(request.paymentId, charge);
    }
    if (step === 'crash') throw new ProcessDied('the process died waiting for the gateway');
    if (step === 'lost') {
      await context.onAttempt(this.attempt(context, 'timeout'));
      return { outcome: 'unknown', reason: 'timeout' };
    }
    await context.onAttempt({
      ...this.attempt(context, 'succeeded'),
      httpStatus: charge.status === 'succeeded' ? 201 : 402,
      gatewayTransactionId: charge.id,
    });
    return charge.status === 'succeeded'
      ? { outcome: 'succeeded', value: charge, httpStatus: 201 }
      : {
          outcome: 'declined',
          code: 'insufficient_funds',
          reason: 'Insufficient funds',
          httpStatus: 402,
        };
  }

  async refund(
    request: RefundRequest,
    context: CallContext,
  ): Promise<GatewayOutcome<GatewayRefund>> {
    const step = this.steps.shift() ?? 'answer';
    this.calls.push({
      operation: 'refund',
      idempotencyKey: context.idempotencyKey,
      paymentId: request.paymentId,
    });
    if (step === 'breaker_open') {
      await context.onAttempt(this.attempt(context, 'circuit_open', 'open'));
      return { outcome: 'not_attempted', reason: 'circuit_open' };
    }
    if (step === 'crash') throw new ProcessDied('the process died waiting for the gateway');
    if (step === 'lost' || step === 'unreachable') {
      await context.onAttempt(this.attempt(context, 'timeout'));
      return { outcome: 'unknown', reason: 'timeout' };
    }
    await context.onAttempt({ ...this.attempt(context, 'succeeded'), httpStatus: 201 });
    return {
      outcome: 'succeeded',
      value: {
        id: `re_gw_${request.refundId}`,
        status: 'succeeded',
        amount: request.amount,
        chargeId: request.chargeId,
      },
      httpStatus: 201,
    };
  }

  findCharge(paymentId: string): Promise<GatewayOutcome<GatewayCharge | undefined>> {
    this.calls.push({ operation: 'find', idempotencyKey: '', paymentId });
    return Promise.resolve({
      outcome: 'succeeded',
      value: this.charges.get(paymentId),
      httpStatus: 200,
    });
  }

  circuitState(): GatewayCircuitState {
    return this.circuit;
  }

  sent(operation: 'charge' | 'refund'): string[] {
    return this.calls
      .filter((call) => call.operation === operation)
      .map((call) => call.idempotencyKey);
  }

  private attempt(
    context: CallContext,
    outcome: 'succeeded' | 'timeout' | 'network_error' | 'circuit_open',
    breakerState: 'closed' | 'open' = 'closed',
  ) {
    return {
      operation: context.operation,
      ...(context.refundId !== undefined && { refundId: context.refundId }),
      attempt: 1,
      idempotencyKey: context.idempotencyKey,
      method: 'POST',
      path: context.operation === 'charge' ? '/charges' : '/refunds',
      startedAt: '2026-03-01T12:00:00.000Z',
      durationMs: 5,
      outcome,
      breakerState,
    };
  }
}
