import type { EventStore, StoredEvent } from '@ledger/event-store';
import { PaymentNotFoundError, paymentStreamId } from '@ledger/ledger';
import type { GetPaymentHistory } from './get-payment-history.query';

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

/** Handles {@link GetPaymentHistory}: reads the payment's stream, never the read model. */
export class GetPaymentHistoryHandler {
  constructor(private readonly store: EventStore) {}

  async execute(query: GetPaymentHistory): Promise<HistoryPage> {
    const { tenantId, paymentId, page: options } = query;
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
        if (options.types === undefined || isOfTypes(event, options.types)) events.push(event);
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

/**
 * Whether `event` is of one of `types`. `WebhookLinked` also names the state events that link the
 * delivery that caused them (`data.webhook`), so a filter for the linked deliveries keeps finding
 * every one of them.
 */
function isOfTypes(event: StoredEvent, types: readonly string[]): boolean {
  if (types.includes(event.type)) return true;
  const link: unknown = event.data.webhook;
  return types.includes('WebhookLinked') && typeof link === 'object' && link !== null;
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
