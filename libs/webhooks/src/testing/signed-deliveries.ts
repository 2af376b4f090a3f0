import type { EventStore, GlobalEventLog, StoredEvent } from '@ledger/event-store';
import type { DeliveryStats } from '../receive-webhook/delivery-stats.port';
import { ProviderRegistry, type ProviderSettings } from '../receive-webhook/provider-registry';
import { RejectionRecorder } from '../receive-webhook/rejection-recorder';
import { WebhookReceiver } from '../receive-webhook/webhook-receiver';
import { signFor } from '../signatures/sign';

/** A store the deliveries are written to and read back from (DynamoDB's does both). */
type ReadableStore = EventStore & Pick<GlobalEventLog, 'readAll'>;

/**
 * For specs: webhook deliveries signed as their provider's scheme signs them (with its first
 * secret) and received through the real `WebhookReceiver`, which the spec can also call itself.
 * `close()` stops the receiver's rejection recorder.
 */
export class SignedDeliveries {
  readonly receiver: WebhookReceiver;
  private readonly recorder: RejectionRecorder;
  private readonly providers: ReadonlyMap<string, ProviderSettings>;

  constructor(
    private readonly store: ReadableStore,
    stats: DeliveryStats,
    providers: readonly ProviderSettings[],
  ) {
    this.recorder = new RejectionRecorder(store);
    this.receiver = new WebhookReceiver(
      store,
      new ProviderRegistry(providers),
      stats,
      this.recorder,
    );
    this.providers = new Map(providers.map((provider) => [provider.name, provider]));
  }

  /** Receives `payload` from `provider`, signed, and returns the delivery's stored event. */
  async deliver(provider: string, payload: object): Promise<StoredEvent> {
    const settings = this.providers.get(provider);
    if (settings === undefined) throw new RangeError(`no provider "${provider}" to sign for`);
    const body = Buffer.from(JSON.stringify(payload));
    const ack = await this.receiver.receive({
      provider,
      rawBody: body,
      headers: {
        'content-type': 'application/json',
        ...signFor(settings.scheme, settings.secrets[0], body),
      },
      sourceIp: '127.0.0.1',
    });
    return storedEventOf(this.store, ack.eventId);
  }

  close(): Promise<void> {
    return this.recorder.close();
  }
}

/** The stored event with id `eventId`, found by reading the whole store (specs' small stores). */
export async function storedEventOf(
  store: Pick<GlobalEventLog, 'readAll'>,
  eventId: string,
): Promise<StoredEvent> {
  for await (const stored of store.readAll()) if (stored.eventId === eventId) return stored;
  throw new RangeError(`event ${eventId} not found`);
}
