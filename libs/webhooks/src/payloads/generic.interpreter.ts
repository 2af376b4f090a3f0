import { withoutUndefined } from '@ledger/ledger';
import type { InterpretedPayload, WebhookIntent } from './gateway-payload';
import { parsePayloadPath, readPayloadPath } from './payload-path';
import { minorUnits, text } from './payload-values';

/** The members a mapping may read, each by a path. */
export type MappedField =
  | 'type'
  | 'paymentId'
  | 'orderId'
  | 'gatewayTransactionId'
  | 'refundId'
  | 'gatewayRefundId'
  | 'amount'
  | 'currency'
  | 'reason'
  | 'declineCode';

/** A `generic` provider's mapping, as the configuration holds it (docs/providers.md). */
export interface PayloadMapping {
  /** Event type values, as found at `paths.type`, to what they ask of a payment. */
  events: Readonly<Record<string, Exclude<WebhookIntent, 'unknown'>>>;
  /** Where each member is in the payload; `type` is required. */
  paths: Readonly<Partial<Record<MappedField, string>>>;
}

type Reader = (payload: unknown) => unknown;

/**
 * The `generic` interpreter of one mapping: the event type at `paths.type` is looked up in
 * `events` (any other value, or none, is intent `unknown`: kept, not acted on), and every other
 * member is read from its path. Amounts are integer minor units; currencies are upper-cased.
 * Paths are parsed once, here; a bad one is a `TypeError` at start-up, never at a delivery.
 */
export function genericInterpreter(
  mapping: PayloadMapping,
): (payload: unknown) => InterpretedPayload {
  const readers = new Map<MappedField, Reader>();
  for (const [field, path] of Object.entries(mapping.paths) as [MappedField, string][]) {
    const steps = parsePayloadPath(path);
    readers.set(field, (payload) => readPayloadPath(payload, steps));
  }
  if (!readers.has('type')) throw new TypeError('A generic mapping needs paths.type');
  // A Map, so an event type named `__proto__` or `toString` is a name like any other.
  const intents = new Map(Object.entries(mapping.events));
  const read = (payload: unknown, field: MappedField): unknown => readers.get(field)?.(payload);
  const readText = (payload: unknown, field: MappedField): string | undefined =>
    scalarText(read(payload, field));

  return (payload) => {
    const providerEventType = readText(payload, 'type') ?? 'unknown';
    return withoutUndefined({
      providerEventType,
      intent: intents.get(providerEventType) ?? 'unknown',
      paymentId: readText(payload, 'paymentId'),
      orderId: readText(payload, 'orderId'),
      gatewayTransactionId: readText(payload, 'gatewayTransactionId'),
      refundId: readText(payload, 'refundId'),
      gatewayRefundId: readText(payload, 'gatewayRefundId'),
      amount: minorUnits(read(payload, 'amount')),
      currency: readText(payload, 'currency')?.toUpperCase(),
      reason: readText(payload, 'reason'),
      declineCode: readText(payload, 'declineCode'),
    });
  };
}

// Ids are sometimes numbers in a provider's JSON; they are the same reference as text.
function scalarText(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : text(value);
}
