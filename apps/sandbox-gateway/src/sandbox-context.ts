import type { ChargeBook } from './charge-book';
import type { FaultControls } from './fault-controls';
import type { IdempotencyStore } from './idempotency-store';
import type { SandboxStatsRecorder } from './sandbox-stats';
import type { WebhookEvent } from './webhook-sender';

/** Everything the routes of one sandbox share: its in-memory state and its controls. */
export interface SandboxContext {
  book: ChargeBook;
  idempotency: IdempotencyStore;
  controls: FaultControls;
  stats: SandboxStatsRecorder;
  clock: () => Date;
  /** Hands an outcome's webhook to the sender; resolves when the HTTP answer may go out. */
  notify(event: WebhookEvent): Promise<void>;
  log(msg: string, fields?: object): void;
}
