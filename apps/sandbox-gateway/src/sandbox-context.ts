import type { FastifyRequest } from 'fastify';
import type { ChargeBook } from './charge-book';
import type { FaultControls } from './fault-controls';
import type { IdempotencyStore } from './idempotency-store';
import type { SandboxStatsRecorder } from './sandbox-stats';
import type { StripeBook } from './stripe/stripe-book';
import type { OutgoingEvent } from './webhook-sender';

/** One merchant account's state: its charges, its idempotency keys and its webhook endpoint. */
export interface SandboxAccount {
  book: ChargeBook;
  idempotency: IdempotencyStore;
  /** The account's Stripe-mode PaymentIntents and Refunds. */
  stripe: StripeBook;
  /**
   * Hands an outcome's webhook (the sandbox's own event, or a Stripe event object from the Stripe
   * mode) to the account's sender; resolves when the answer may go out.
   */
  notify: (event: OutgoingEvent) => Promise<void>;
}

/** Everything the routes of one sandbox share: its controls, and the accounts it hosts. */
export interface SandboxContext {
  controls: FaultControls;
  stats: SandboxStatsRecorder;
  clock: () => Date;
  /** The account a `/v1` request was authenticated as (its API key chose it). */
  accountOf(request: FastifyRequest): SandboxAccount;
  log(msg: string, fields?: object): void;
}
