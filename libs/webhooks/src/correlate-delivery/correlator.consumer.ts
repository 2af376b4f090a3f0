import { type EventStore, type StoredEvent } from '@ledger/event-store';
import {
  decodePaymentEvent,
  parsePaymentStreamId,
  paymentDecider,
  paymentStreamId,
  type ApplyWebhook,
  handleCommand,
  PaymentNotFoundError,
} from '@ledger/ledger';
import type { BatchContext, RecordHead, StreamConsumer } from '@ledger/stream-consumer';
import type { InterpretedPayload } from '../payloads/gateway-payload';
import { PayloadInterpreters } from '../payloads/payload-interpreter';
import {
  WEBHOOK_RECEIVED,
  decodeWebhookReceived,
  isDeliveryStream,
} from '../receive-webhook/webhook.events';
import { BatchEntries } from './batch-entries';
import type {
  CorrelationEntryKey,
  CorrelationIndex,
  CorrelationRef,
  LinkedPayment,
} from './correlation-index.port';

export const CORRELATOR = 'correlator';
const BATCH_ENTRIES = 'correlator.entries';

/**
 * Moves each verified delivery onto the stream of the payment it concerns, as the payment decider
 * decides (`ApplyWebhook`; the delivery's event id makes it idempotent). Only payments of the
 * delivery's own tenant (its provider's) are ever considered. The ledger's payment id echoed in the
 * delivery is authoritative: when present, nothing else is used. Otherwise the gateway's
 * transaction id links it, and last the client-chosen order id, a weak reference that links only
 * when exactly one payment of the tenant carries it and its amount and currency agree with the
 * delivery's. A delivery that names no payment the ledger knows yet waits in the correlation
 * index and is linked when a payment event brings that reference, so a webhook that overtakes the
 * gateway's own answer is never dropped; one that stays ambiguous stays unmatched on its own
 * stream, recorded and visible.
 */
export class Correlator implements StreamConsumer {
  readonly name = CORRELATOR;

  constructor(
    private readonly store: EventStore,
    private readonly index: CorrelationIndex,
    private readonly clock: () => Date = () => new Date(),
    /** How each provider's payloads are read (its configured interpreter; `sandbox` by default). */
    private readonly interpreters: PayloadInterpreters = new PayloadInterpreters(),
  ) {}

  wants(head: RecordHead): boolean {
    return correlatorWants(head);
  }

  async handle(event: StoredEvent, batch?: BatchContext): Promise<void> {
    if (!correlatorActsOn(event)) return;
    const entries = batch === undefined ? BatchEntries.NONE : await this.batchEntries(batch);
    if (event.type === WEBHOOK_RECEIVED) {
      await this.correlateDelivery(event, entries);
      return;
    }
    const payment = parsePaymentStreamId(event.streamId);
    if (payment !== undefined)
      await this.linkWaitingDeliveries(payment.tenantId, payment.paymentId, event, entries);
  }

  /**
   * The index entries every record of the batch will ask about, read together once: each
   * delivery's own waiting entries (a crash may have left some) and the link of each transaction
   * id a payment event brings.
   */
  private batchEntries(batch: BatchContext): Promise<BatchEntries> {
    let entries = batch.memo.get(BATCH_ENTRIES) as Promise<BatchEntries> | undefined;
    if (entries === undefined) {
      const keys: CorrelationEntryKey[] = [];
      for (const event of batch.events) {
        if (!correlatorActsOn(event)) continue;
        if (event.type === WEBHOOK_RECEIVED) {
          const tenantId = String(event.metadata.tenantId);
          let refs: CorrelationRef[];
          try {
            refs = refsOf(interpret(event, this.interpreters));
          } catch {
            continue; // Its own handling fails, and says why.
          }
          for (const ref of refs) {
            keys.push({ kind: 'pending', tenantId, ref, deliveryEventId: event.eventId });
          }
        } else if (typeof event.data.gatewayTransactionId === 'string') {
          const payment = parsePaymentStreamId(event.streamId);
          if (payment === undefined) continue;
          keys.push({
            kind: 'link',
            tenantId: payment.tenantId,
            ref: { kind: 'transaction', value: event.data.gatewayTransactionId },
          });
        }
      }
      entries = BatchEntries.read(this.index, keys);
      batch.memo.set(BATCH_ENTRIES, entries);
    }
    return entries;
  }

  private async correlateDelivery(delivery: StoredEvent, entries: BatchEntries): Promise<void> {
    const tenantId = String(delivery.metadata.tenantId);
    const payload = interpret(delivery, this.interpreters);
    const refs = refsOf(payload);
    // Waiting entries only a crash of an earlier attempt can have left, as the batch read them.
    const left = entries.waitingUnder(tenantId, refs, delivery.eventId);
    if (await this.applyToResolved(tenantId, refs, delivery, payload, entries, left)) return;
    // A delivery that names nothing at all stays on its own stream, recorded but unlinked.
    if (refs.length === 0) return;
    const pending = { deliveryStreamId: delivery.streamId, deliveryEventId: delivery.eventId };
    for (const ref of refs) {
      await this.index.addPending(tenantId, ref, pending);
      entries.waiting(tenantId, ref, pending);
    }
    // The payment side writes its link, then reads the waiting list; this side writes the waiting
    // entry, then resolves again. Whichever runs second sees the other, so no delivery is missed.
    await this.applyToResolved(tenantId, refs, delivery, payload, entries, refs);
  }

  private async linkWaitingDeliveries(
    tenantId: string,
    paymentId: string,
    event: StoredEvent,
    entries: BatchEntries,
  ): Promise<void> {
    const links: { ref: CorrelationRef; payment: LinkedPayment }[] = [];
    if (event.type === 'PaymentRequested') {
      links.push({ ref: { kind: 'payment', value: paymentId }, payment: { paymentId } });
      if (typeof event.data.orderId === 'string') {
        links.push({
          ref: { kind: 'order', value: event.data.orderId },
          payment: {
            paymentId,
            ...(typeof event.data.amount === 'number' && { amount: event.data.amount }),
            ...(typeof event.data.currency === 'string' && { currency: event.data.currency }),
          },
        });
      }
    }
    if (typeof event.data.gatewayTransactionId === 'string') {
      links.push({
        ref: { kind: 'transaction', value: event.data.gatewayTransactionId },
        payment: { paymentId, linkedBy: event.eventId },
      });
    }
    for (const { ref, payment } of links) {
      // A payment's later events repeat its transaction id: link it once, not on each of them.
      const link =
        ref.kind === 'transaction'
          ? await this.linkOf(tenantId, { kind: 'transaction', value: ref.value }, entries)
          : undefined;
      const linked = link?.paymentId === payment.paymentId;
      if (ref.kind === 'order' || (ref.kind === 'transaction' && !linked)) {
        await this.index.link(tenantId, ref, payment);
        entries.linked(tenantId, ref, payment);
      }
      // The event that wrote the link read the waiting list after writing it, and was handled
      // (or parked, and then redriven) before this later event of the same payment: a delivery
      // that began waiting since then resolves again after its entry and finds the link itself.
      // That event itself, handed over again, reads it again: it may have stopped in between.
      if (linked && link.linkedBy !== event.eventId) continue;
      for (const waiting of await this.index.pendingFor(tenantId, ref)) {
        const { events } = await this.store.readStream(waiting.deliveryStreamId, { limit: 1 });
        const delivery = events[0];
        if (delivery === undefined) continue;
        // Decided afresh, by the same rules as on arrival: a weak reference may have become
        // ambiguous, or may not agree with this payment.
        const payload = interpret(delivery, this.interpreters);
        await this.applyToResolved(tenantId, refsOf(payload), delivery, payload, entries);
      }
    }
  }

  /**
   * Applies the delivery to the payment its references resolve to; false (nothing written) when
   * they resolve to none yet. A payment id is then its only reference, and the one read of that
   * payment's stream the decision needs also says whether the payment exists: no look-up first.
   */
  private async applyToResolved(
    tenantId: string,
    refs: CorrelationRef[],
    delivery: StoredEvent,
    payload: InterpretedPayload,
    entries: BatchEntries,
    /** The references the delivery is known to wait under; undefined: read them. */
    waitingUnder?: readonly CorrelationRef[],
  ): Promise<boolean> {
    if (refs[0]?.kind === 'payment') {
      try {
        await this.apply(tenantId, refs[0].value, delivery, payload, entries, waitingUnder);
        return true;
      } catch (error) {
        if (error instanceof PaymentNotFoundError) return false;
        throw error;
      }
    }
    const known = await this.resolve(tenantId, refs, payload);
    if (known === undefined) return false;
    await this.apply(tenantId, known, delivery, payload, entries, waitingUnder);
    return true;
  }

  /** Applies the delivery to the payment, then clears every waiting entry it left. */
  private async apply(
    tenantId: string,
    paymentId: string,
    delivery: StoredEvent,
    payload: InterpretedPayload,
    entries: BatchEntries,
    waitingUnder?: readonly CorrelationRef[],
  ): Promise<void> {
    const data = decodeWebhookReceived(delivery);
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
        ...(payload.gatewayRefundId !== undefined && { gatewayRefundId: payload.gatewayRefundId }),
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
    // One event per decision (the state event carries the link), so one conditional PutItem on
    // the version read: a crash after it leaves nothing owed, and a lost race is decided afresh.
    await handleCommand(
      this.store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId(tenantId, paymentId),
      command,
    );
    // Only entries that exist: most deliveries never waited, and a delete is billed regardless.
    for (const ref of refsOf(payload)) {
      const waits =
        waitingUnder === undefined
          ? (await this.index.pendingFor(tenantId, ref)).some(
              (entry) => entry.deliveryEventId === delivery.eventId,
            )
          : waitingUnder.some((under) => under.kind === ref.kind && under.value === ref.value);
      if (waits) {
        await this.index.removePending(tenantId, ref, delivery.eventId);
        entries.removed(tenantId, ref, delivery.eventId);
      }
    }
  }

  /**
   * The payment a transaction id names already, if any (a read costs a fifth of a write), as the
   * batch read it when it did.
   */
  private async linkOf(
    tenantId: string,
    ref: CorrelationRef & { kind: 'transaction' },
    entries: BatchEntries,
  ): Promise<LinkedPayment | undefined> {
    const known = entries.linkOf(tenantId, ref);
    if (known !== undefined) return known ?? undefined;
    const [linked] = await this.index.linked(tenantId, ref, 1);
    return linked;
  }

  /** The payment a delivery's transaction or order id names, by the correlation index. */
  private async resolve(
    tenantId: string,
    refs: CorrelationRef[],
    payload: InterpretedPayload,
  ): Promise<string | undefined> {
    for (const ref of refs) {
      switch (ref.kind) {
        case 'payment':
          // Not resolved here: `applyToResolved` decides on the payment's own stream at once.
          break;
        case 'transaction': {
          const [linked] = await this.index.linked(tenantId, ref, 1);
          if (linked !== undefined) return linked.paymentId;
          break;
        }
        case 'order': {
          const candidates = await this.index.linked(tenantId, ref, 2);
          if (candidates.length === 1 && agrees(candidates[0], payload)) {
            return candidates[0].paymentId;
          }
          break;
        }
      }
    }
    return undefined;
  }
}

/**
 * The events the correlator does anything for: deliveries, and payment events that bring a
 * reference (a request's order id, a transaction id). The event source mapping's filters in
 * template.yaml pass exactly these (a unit spec holds them together).
 */
export function correlatorActsOn(event: Pick<StoredEvent, 'streamId' | 'type' | 'data'>): boolean {
  if (event.type === WEBHOOK_RECEIVED) return isDeliveryStream(event.streamId);
  if (parsePaymentStreamId(event.streamId) === undefined) return false;
  return event.type === 'PaymentRequested' || typeof event.data.gatewayTransactionId === 'string';
}

/** `correlatorActsOn` on a stream record's head, before it is decoded (`StreamConsumer.wants`). */
export function correlatorWants(head: RecordHead): boolean {
  const gatewayTransactionId = head.dataString('gatewayTransactionId');
  return correlatorActsOn({
    streamId: head.streamId,
    type: head.type,
    data: gatewayTransactionId === undefined ? {} : { gatewayTransactionId },
  });
}

/** Whether a delivery's amount and currency are the payment's: both must be given and equal. */
function agrees(payment: LinkedPayment, payload: InterpretedPayload): boolean {
  return (
    payment.amount !== undefined &&
    payment.amount === payload.amount &&
    payment.currency !== undefined &&
    payment.currency.toUpperCase() === payload.currency?.toUpperCase()
  );
}

function interpret(delivery: StoredEvent, interpreters: PayloadInterpreters): InterpretedPayload {
  const { body, provider } = decodeWebhookReceived(delivery);
  // The receiver stored only bodies that parsed as a JSON object.
  return interpreters.for(provider)(JSON.parse(Buffer.from(body).toString('utf8')));
}

/**
 * The references a delivery is matched by, strongest first. The ledger's own payment id, when the
 * delivery carries one, is the only one used: a delivery naming a payment id this tenant does not
 * have must never fall back to a weaker reference that another payment happens to share.
 */
function refsOf(payload: InterpretedPayload): CorrelationRef[] {
  if (payload.paymentId !== undefined) return [{ kind: 'payment', value: payload.paymentId }];
  const refs: CorrelationRef[] = [];
  if (payload.gatewayTransactionId !== undefined) {
    refs.push({ kind: 'transaction', value: payload.gatewayTransactionId });
  }
  if (payload.orderId !== undefined) refs.push({ kind: 'order', value: payload.orderId });
  return refs;
}
