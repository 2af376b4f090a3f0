import { LedgerError } from '@ledger/errors';
import type { PaymentCommandResponse } from '../payment-workflow/payment-workflow';
import { RequestPayment } from '../request-payment/request-payment.command';
import type { RequestPaymentHandler } from '../request-payment/request-payment.handler';
import type { PaymentBatchItem, RequestPaymentBatch } from './request-payment-batch.command';

/**
 * A batch item the deadline left without an answer: never started, or still running (its
 * Idempotency-Key then holds the answer once it is done). A retry with the same key is safe.
 */
export class BatchDeadlineExceededError extends LedgerError {
  readonly code = 'batch_deadline_exceeded';
  readonly status = 503;
  override readonly retryAfterSeconds = 1;

  constructor(private readonly started: boolean) {
    super(
      started
        ? 'The batch ran out of time while this item was running; retry it with the same key'
        : 'The batch ran out of time before this item; retry it with the same key',
    );
  }

  override details(): Record<string, unknown> {
    return { started: this.started };
  }
}

/** What one item of a batch came to: the answer a single request would get, or its failure. */
export type PaymentBatchResult =
  | { index: number; idempotencyKey: string; response: PaymentCommandResponse }
  | { index: number; idempotencyKey: string; error: unknown };

export interface PaymentBatchOptions {
  /** Items run at once (default 16). */
  concurrency?: number;
  /** How long the batch may run before unanswered items are given up (default 20 s). */
  deadlineMs?: number;
}

const DEFAULTS = { concurrency: 16, deadlineMs: 20_000 };

/**
 * Handles {@link RequestPaymentBatch}: each item goes through {@link RequestPaymentHandler} with
 * its own Idempotency-Key, a bounded number at a time; one item's failure is its own result and
 * never stops the others. Items the deadline leaves unanswered get {@link BatchDeadlineExceededError}.
 */
export class RequestPaymentBatchHandler {
  private readonly options: Required<PaymentBatchOptions>;

  constructor(
    private readonly requestPayment: RequestPaymentHandler,
    options: PaymentBatchOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async execute(command: RequestPaymentBatch): Promise<PaymentBatchResult[]> {
    const { tenantId, items, mode, correlationId } = command;
    const results = new Map<PaymentBatchItem, PaymentBatchResult>();
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve('deadline');
      }, this.options.deadlineMs);
    });
    const queue = [...items];
    const worker = async (): Promise<void> => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        if (timedOut) return;
        const { index, idempotencyKey, input } = item;
        const run = this.requestPayment
          .execute(new RequestPayment(tenantId, idempotencyKey, input, correlationId, mode))
          .then(
            (response): PaymentBatchResult => ({ index, idempotencyKey, response }),
            (error: unknown): PaymentBatchResult => ({ index, idempotencyKey, error }),
          );
        const settled = await Promise.race([run, deadline]);
        if (settled === 'deadline') {
          results.set(item, {
            index,
            idempotencyKey,
            error: new BatchDeadlineExceededError(true),
          });
          return;
        }
        results.set(item, settled);
      }
    };
    try {
      const workers = Math.max(1, Math.min(this.options.concurrency, items.length));
      await Promise.allSettled(Array.from({ length: workers }, worker));
    } finally {
      clearTimeout(timer);
    }
    return items.map(
      (item) =>
        results.get(item) ?? {
          index: item.index,
          idempotencyKey: item.idempotencyKey,
          error: new BatchDeadlineExceededError(false),
        },
    );
  }
}
