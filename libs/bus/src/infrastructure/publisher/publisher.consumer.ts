import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DEFAULT_SOURCE, type IntegrationEvent, integrationEventsOf } from '@ledger/contracts';
import type { EventStore, StoredEvent } from '@ledger/event-store';
import {
  foldPaymentStream,
  parsePaymentStreamId,
  readPaymentStream,
  type PaymentState,
} from '@ledger/ledger';
import type { StreamConsumer } from '@ledger/stream-consumer';
import type { DeadLetters } from '../../dead-letters/dead-letters.port';
import { PutEventsBatcher, type BatcherOptions } from './put-events.batcher';

export const PUBLISHER = 'publisher';

export interface PublisherOptions {
  eventBusName?: string;
  source?: string;
  batcher?: BatcherOptions;
  clock?: () => Date;
  /** Payment states kept in memory to avoid re-reading streams (default 10,000). */
  cacheSize?: number;
}

/**
 * Publishes integration events (the public contract, never the internal shape) for the events
 * table's stream, as a consumer of the stream framework. The framework hands it a stream's events
 * one at a time, each only after the previous one was handled, so version n+1 never goes out
 * before n did; entries of many streams at once share PutEvents calls. An entry that keeps failing
 * goes to the dead letters and the stream moves on.
 */
export class IntegrationEventPublisher implements StreamConsumer {
  readonly name = PUBLISHER;
  /** Many streams in flight at once keep PutEvents calls full. */
  readonly concurrency = 64;
  private readonly batcher: PutEventsBatcher;
  private readonly states = new Map<string, { version: number; state: PaymentState }>();
  private readonly eventBusName: string;
  private readonly source: string;
  private readonly clock: () => Date;
  private readonly cacheSize: number;

  constructor(
    private readonly store: EventStore,
    client: EventBridgeClient,
    private readonly deadLetters: DeadLetters,
    options: PublisherOptions = {},
  ) {
    this.batcher = new PutEventsBatcher(client, options.batcher);
    this.eventBusName = options.eventBusName ?? 'default';
    this.source = options.source ?? DEFAULT_SOURCE;
    this.clock = options.clock ?? (() => new Date());
    this.cacheSize = options.cacheSize ?? 10_000;
  }

  async handle(event: StoredEvent): Promise<void> {
    if (parsePaymentStreamId(event.streamId) === undefined) return;
    const state = await this.stateAfter(event);
    // A state event carrying its delivery's link publishes that webhook.received first.
    const published = integrationEventsOf(event, state, { source: this.source });
    for (const [index, integration] of published.entries()) {
      await this.publish(event, integration, index);
    }
  }

  private async publish(
    event: StoredEvent,
    integration: IntegrationEvent,
    index: number,
  ): Promise<void> {
    const entry = {
      Source: integration.source,
      DetailType: integration.detailType,
      Detail: JSON.stringify(integration.detail),
      EventBusName: this.eventBusName,
    };
    const outcome = await this.batcher.submit(entry);
    if (outcome.status === 'published') return;
    await this.deadLetters.put({
      // The second entry of one event sorts right after the first.
      id: index === 0 ? event.position : `${event.position}#${index + 1}`,
      streamId: event.streamId,
      version: event.version,
      eventId: integration.detail.eventId,
      detailType: integration.detailType,
      entry,
      reason: outcome.reason,
      attempts: outcome.attempts,
      deadLetteredAt: this.clock().toISOString(),
    });
  }

  /** The payment's state after `event`: from the cache when it holds the version before. */
  private async stateAfter(event: StoredEvent): Promise<PaymentState> {
    const cached = this.states.get(event.streamId);
    let state: PaymentState;
    if (cached !== undefined && cached.version === event.version - 1) {
      state = foldPaymentStream([event], cached).state;
    } else if (cached !== undefined && cached.version === event.version) {
      state = cached.state;
    } else {
      ({ state } = await readPaymentStream(this.store, event.streamId, {
        toVersion: event.version,
      }));
    }
    this.states.delete(event.streamId);
    this.states.set(event.streamId, { version: event.version, state });
    // Map keeps insertion order: the first key is the least recently used stream.
    if (this.states.size > this.cacheSize) this.states.delete(this.states.keys().next().value!);
    return state;
  }
}
