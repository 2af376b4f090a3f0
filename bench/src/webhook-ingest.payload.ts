import { signFor, type SchemeName } from '@ledger/webhooks';

/**
 * What a sender of the `sandbox` provider (ledger.config.yaml) posts: shared by the load
 * generator (HTTP side) and the raw-put side, so both store items of the same shape and size.
 */

export const PROVIDER = 'sandbox';
export const CONTENT_TYPE = 'application/json';
/** Wide enough for millions of deliveries per run; fixed, so every id has the same length. */
const SEQUENCE_DIGITS = 9;

/** The provider's settings the sender needs, as read from the committed configuration. */
export interface SenderConfig {
  tenant: string;
  scheme: SchemeName;
  secret: string;
}

/**
 * Realistic payment payload, ~1 KB once wrapped, serialised once: only the id varies per
 * delivery, which is all the receiver keys on, and a template string keeps the sender cheap.
 */
const DATA_JSON = JSON.stringify({
  amount: 1234,
  currency: 'EUR',
  status: 'succeeded',
  payment: {
    id: 'pay_01J9Z6Q3W8K2M4N6P8R0T2V4X6',
    method: 'card',
    card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, country: 'DE' },
    captured: true,
    capturedAt: '2026-03-14T09:26:53.589Z',
    fee: { amount: 37, currency: 'EUR' },
    net: { amount: 1197, currency: 'EUR' },
  },
  customer: {
    id: 'cus_01J9Z6PZ4D1F3H5K7M9P1R3T5V',
    email: 'jane.doe@example.com',
    name: 'Jane Doe',
    country: 'DE',
  },
  order: {
    id: 'ord_000123456',
    reference: 'ORDER-2026-000123456',
    lines: [
      { sku: 'PLAN-ANNUAL-3SEATS', description: 'Annual plan, 3 seats', quantity: 1, amount: 999 },
      { sku: 'ADDON-STORAGE-50GB', description: 'Extra storage, 50 GB', quantity: 1, amount: 235 },
    ],
  },
  billingAddress: {
    line1: 'Musterstrasse 12',
    city: 'Berlin',
    postalCode: '10115',
    country: 'DE',
  },
  metadata: { cartId: 'cart_7f3a9c2e', channel: 'web', campaign: 'spring-2026' },
  createdAt: '2026-03-14T09:26:51.123Z',
});

/** A delivery id: `prefix` plus a zero-padded sequence, so all ids of one prefix length match. */
export function deliveryId(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(SEQUENCE_DIGITS, '0')}`;
}

export function webhookBody(id: string): Buffer {
  return Buffer.from(`{"id":"${id}","type":"payment.completed","data":${DATA_JSON}}`);
}

/** The headers the sender sets itself (the HTTP client adds host, connection, content-length). */
export function senderHeaders(
  sender: SenderConfig,
  id: string,
  body: Buffer,
  sentAt?: Date,
): Record<string, string> {
  return {
    'content-type': CONTENT_TYPE,
    ...signFor(sender.scheme, sender.secret, body, { id, timestamp: sentAt }),
  };
}
