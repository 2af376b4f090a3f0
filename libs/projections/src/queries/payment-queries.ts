import type { EventStore, StoredEvent } from '@ledger/event-store';
import { PaymentNotFoundError, paymentStreamId, refundableBalance } from '@ledger/ledger';
import type { PaymentDocuments, PaymentListQuery } from '../payment-view/payment-documents.port';
import type { PaymentDocument } from '../payment-view/payment-view.projection';
import { ListCursors } from './list-cursors';

/** A payment as the API shows it. */
export interface PaymentView {
  paymentId: string;
  status: string;
  amount: number;
  currency: string;
  customerId?: string;
  orderId?: string;
  description?: string;
  capturedAmount: number;
  refundedAmount: number;
  refundableAmount: number;
  gatewayTransactionId?: string;
  statusReason?: string;
  declineCode?: string;
  attempts: number;
  lastError?: { outcome: string; httpStatus?: number; at: string };
  webhookDeliveries: number;
  /** The gateway's reports that contradict the recorded outcome (empty when none). */
  contradictions: Array<{
    reported: string;
    recordedStatus: string;
    conflict: string;
    source: string;
    gatewayTransactionId?: string;
    refundId?: string;
    amount?: number;
    currency?: string;
    at: string;
  }>;
  refunds: Array<{
    refundId: string;
    amount: number;
    status: string;
    reason?: string;
    statusReason?: string;
  }>;
  createdAt: string;
  updatedAt: string;
  /** The payment stream version this view reflects. */
  version: number;
}

export interface HistoryEvent {
  version: number;
  eventId: string;
  type: string;
  recordedAt: string;
  data: Record<string, unknown>;
  metadata: { correlationId?: string; causationId?: string; actor?: string };
}

export interface HistoryPage {
  events: HistoryEvent[];
  nextCursor?: string;
}

export interface QueryOptions {
  /** The key list cursors are sealed with (configuration `api.cursorKey`); none = per process. */
  cursorKey?: string;
  /** How long `get` waits for the read model to reach `minVersion` (default 2 s). */
  maxWaitMs?: number;
  pollIntervalMs?: number;
}

/** The payment queries: the read model for state and lists, the event store for history. */
export class PaymentQueries {
  private readonly maxWaitMs: number;
  private readonly pollIntervalMs: number;
  private readonly cursors: ListCursors;

  constructor(
    private readonly documents: PaymentDocuments,
    private readonly store: EventStore,
    options: QueryOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? 2000;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.cursors = new ListCursors(options.cursorKey);
  }

  /**
   * The payment's state. With `minVersion`, waits briefly for the projection to reach it (a client
   * reading its own write); the answer's `version` says what it reflects either way.
   */
  async get(tenantId: string, paymentId: string, minVersion = 0): Promise<PaymentView> {
    const deadline = Date.now() + this.maxWaitMs;
    let document = await this.documents.get(tenantId, paymentId);
    while ((document?.version ?? 0) < minVersion && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, this.pollIntervalMs));
      document = await this.documents.get(tenantId, paymentId);
    }
    if (document === undefined) throw new PaymentNotFoundError(paymentId);
    return toView(document);
  }

  /**
   * A page of the tenant's payments. Cursors are sealed (see {@link ListCursors}) for the tenant
   * and every filter but the page size, so a forged or re-aimed one is refused before the store.
   */
  async list(query: PaymentListQuery): Promise<{ items: PaymentView[]; nextCursor?: string }> {
    const { cursor, limit: _limit, ...filters } = query;
    const page = await this.documents.list({
      ...query,
      cursor: cursor === undefined ? undefined : this.cursors.open(cursor, filters),
    });
    return {
      items: page.items.map(toView),
      ...(page.nextCursor && { nextCursor: this.cursors.seal(page.nextCursor, filters) }),
    };
  }

  /** Every event of the payment in order, from the event store itself, a page at a time. */
  async history(
    tenantId: string,
    paymentId: string,
    options: { cursor?: string; limit: number; types?: readonly string[] },
  ): Promise<HistoryPage> {
    const streamId = paymentStreamId(tenantId, paymentId);
    const fromVersion = options.cursor === undefined ? 1 : Number(options.cursor);
    const events: StoredEvent[] = [];
    let next: number | undefined = fromVersion;
    // A types filter may thin a page out: keep reading until it is full or the stream ends.
    while (next !== undefined && events.length < options.limit) {
      const page = await this.store.readStream(streamId, {
        fromVersion: next,
        limit: options.limit,
      });
      for (const event of page.events) {
        if (events.length === options.limit) {
          next = event.version;
          break;
        }
        if (options.types === undefined || options.types.includes(event.type)) events.push(event);
        next = page.nextVersion;
      }
      if (page.events.length === 0) next = undefined;
    }
    // Whatever the cursor, a payment that is not this tenant's is not found, as on every read.
    if (events.length === 0 && (await this.store.readHead(streamId)) === undefined) {
      throw new PaymentNotFoundError(paymentId);
    }
    return {
      events: events.map(toHistoryEvent),
      ...(next !== undefined && { nextCursor: String(next) }),
    };
  }
}

function toView(document: PaymentDocument): PaymentView {
  const { state } = document;
  return {
    paymentId: document.paymentId,
    status: state.status ?? 'requested',
    amount: state.amount,
    currency: state.currency ?? '',
    ...(state.customerId !== undefined && { customerId: state.customerId }),
    ...(state.orderId !== undefined && { orderId: state.orderId }),
    ...(state.description !== undefined && { description: state.description }),
    capturedAmount: state.capturedAmount,
    refundedAmount: state.refundedAmount,
    refundableAmount: refundableBalance(state),
    ...(state.gatewayTransactionId !== undefined && {
      gatewayTransactionId: state.gatewayTransactionId,
    }),
    ...(state.statusReason !== undefined && { statusReason: state.statusReason }),
    ...(state.declineCode !== undefined && { declineCode: state.declineCode }),
    attempts: state.attempts,
    ...(state.lastError !== undefined && { lastError: state.lastError }),
    webhookDeliveries: state.linkedDeliveries.length,
    // The delivery's event id stays internal; the history shows the delivery itself.
    contradictions: (state.contradictions ?? []).map(({ deliveryEventId: _internal, ...c }) => c),
    refunds: Object.entries(state.refunds).map(([refundId, refund]) => ({
      refundId,
      amount: refund.amount,
      status: refund.status,
      ...(refund.reason !== undefined && { reason: refund.reason }),
      ...(refund.statusReason !== undefined && { statusReason: refund.statusReason }),
    })),
    createdAt: state.createdAt ?? '',
    updatedAt: state.updatedAt ?? '',
    version: document.version,
  };
}

function toHistoryEvent(event: StoredEvent): HistoryEvent {
  const { correlationId, causationId, actor } = event.metadata;
  return {
    version: event.version,
    eventId: event.eventId,
    type: event.type,
    recordedAt: event.recordedAt,
    data: event.data,
    metadata: {
      ...(typeof correlationId === 'string' && { correlationId }),
      ...(typeof causationId === 'string' && { causationId }),
      ...(typeof actor === 'string' && { actor }),
    },
  };
}
