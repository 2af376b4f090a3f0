import { handleCommand, type EventStore, type StoredEvent } from '@ledger/event-store';
import {
  parsePaymentStreamId,
  paymentDecider,
  paymentStreamId,
  type ApplyWebhook,
} from '@ledger/ledger';
import type { StreamConsumer } from '@ledger/stream-consumer';
import { interpretPayload, type InterpretedPayload } from '../payloads/gateway-payload';
import {
  WEBHOOK_RECEIVED,
  isDeliveryStream,
  type WebhookReceivedData,
} from '../receive-webhook/webhook.events';
import type { CorrelationIndex, CorrelationRef } from './correlation-index.port';

export const CORRELATOR = 'correlator';

/**
 * Moves each verified delivery onto the stream of the payment it concerns, as the payment decider
 * decides (`ApplyWebhook`; the delivery's event id makes it idempotent). A delivery is matched by
 * the ledger's payment id echoed in its metadata, else by order id or gateway transaction id. One
 * that names no payment the ledger knows yet waits in the correlation index and is linked when a
 * payment event brings that reference, so a webhook that overtakes the gateway's own answer is
 * never dropped.
 */
export class Correlator implements StreamConsumer {
  readonly name = CORRELATOR;

  constructor(
    private readonly store: EventStore,
    private readonly index: CorrelationIndex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async handle(event: StoredEvent): Promise<void> {
    if (event.type === WEBHOOK_RECEIVED && isDeliveryStream(event.streamId)) {
      await this.correlateDelivery(event);
      return;
    }
    const payment = parsePaymentStreamId(event.streamId);
    if (payment !== undefined)
      await this.linkWaitingDeliveries(payment.tenantId, payment.paymentId, event);
  }

  private async correlateDelivery(delivery: StoredEvent): Promise<void> {
    const tenantId = String(delivery.metadata.tenantId);
    const payload = interpret(delivery);
    const refs = refsOf(payload);
    const known = await this.resolve(tenantId, refs);
    if (known !== undefined) {
      await this.apply(tenantId, known, delivery, payload);
      return;
    }
    // A delivery that names nothing at all stays on its own stream, recorded but unlinked.
    if (refs.length === 0) return;
    const pending = { deliveryStreamId: delivery.streamId, deliveryEventId: delivery.eventId };
    for (const ref of refs) await this.index.addPending(tenantId, ref, pending);
    // The payment side writes its link, then reads the waiting list; this side writes the waiting
    // entry, then resolves again. Whichever runs second sees the other, so no delivery is missed.
    const linked = await this.resolve(tenantId, refs);
    if (linked !== undefined) await this.apply(tenantId, linked, delivery, payload);
  }

  private async linkWaitingDeliveries(
    tenantId: string,
    paymentId: string,
    event: StoredEvent,
  ): Promise<void> {
    const refs: CorrelationRef[] = [];
    if (event.type === 'PaymentRequested') {
      refs.push({ kind: 'payment', value: paymentId });
      if (typeof event.data.orderId === 'string')
        refs.push({ kind: 'order', value: event.data.orderId });
    }
    if (typeof event.data.gatewayTransactionId === 'string') {
      refs.push({ kind: 'transaction', value: event.data.gatewayTransactionId });
    }
    for (const ref of refs) {
      if (ref.kind !== 'payment') await this.index.link(tenantId, ref, paymentId);
      for (const waiting of await this.index.pendingFor(tenantId, ref)) {
        const { events } = await this.store.readStream(waiting.deliveryStreamId, { limit: 1 });
        if (events[0] !== undefined)
          await this.apply(tenantId, paymentId, events[0], interpret(events[0]));
      }
    }
  }

  /** Applies the delivery to the payment, then clears every waiting entry it left. */
  private async apply(
    tenantId: string,
    paymentId: string,
    delivery: StoredEvent,
    payload: InterpretedPayload,
  ): Promise<void> {
    const data = delivery.data as unknown as WebhookReceivedData;
    const command: ApplyWebhook = {
      type: 'ApplyWebhook',
      data: {
        deliveryEventId: delivery.eventId,
        deliveryStreamId: delivery.streamId,
        provider: data.provider,
        deliveryId: data.deliveryId,
        providerEventType: payload.providerEventType,
        intent: payload.intent,
        receivedAt: data.receivedAt,
        ...(payload.gatewayTransactionId !== undefined && {
          gatewayTransactionId: payload.gatewayTransactionId,
        }),
        ...(payload.amount !== undefined && { amount: payload.amount }),
        ...(payload.currency !== undefined && { currency: payload.currency }),
        ...(payload.refundId !== undefined && { refundId: payload.refundId }),
        ...(payload.reason !== undefined && { reason: payload.reason }),
        ...(payload.declineCode !== undefined && { declineCode: payload.declineCode }),
      },
      metadata: {
        now: this.clock().toISOString(),
        tenantId,
        causationId: delivery.eventId,
        actor: CORRELATOR,
        ...(typeof delivery.metadata.correlationId === 'string' && {
          correlationId: delivery.metadata.correlationId,
        }),
      },
    };
    await handleCommand(this.store, paymentDecider, paymentStreamId(tenantId, paymentId), command);
    for (const ref of refsOf(payload)) {
      await this.index.removePending(tenantId, ref, delivery.eventId);
    }
  }

  private async resolve(tenantId: string, refs: CorrelationRef[]): Promise<string | undefined> {
    for (const ref of refs) {
      if (ref.kind === 'payment') {
        const head = await this.store.readHead(paymentStreamId(tenantId, ref.value));
        if (head !== undefined) return ref.value;
        continue;
      }
      const paymentId = await this.index.resolve(tenantId, ref);
      if (paymentId !== undefined) return paymentId;
    }
    return undefined;
  }
}

function interpret(delivery: StoredEvent): InterpretedPayload {
  const body = (delivery.data as unknown as WebhookReceivedData).body;
  // The receiver stored only bodies that parsed as a JSON object.
  return interpretPayload(JSON.parse(Buffer.from(body).toString('utf8')));
}

function refsOf(payload: InterpretedPayload): CorrelationRef[] {
  const refs: CorrelationRef[] = [];
  if (payload.paymentId !== undefined) refs.push({ kind: 'payment', value: payload.paymentId });
  if (payload.orderId !== undefined) refs.push({ kind: 'order', value: payload.orderId });
  if (payload.gatewayTransactionId !== undefined) {
    refs.push({ kind: 'transaction', value: payload.gatewayTransactionId });
  }
  return refs;
}
