import { benchPaymentId } from './payment-events';
import { deliveryId, webhookBody } from './webhook-ingest.payload';

/** The amount and currency of every seeded payment; its concluding delivery names the same. */
export const SEEDED_AMOUNT = 12_990;
export const SEEDED_CURRENCY = 'EUR';

/** Which delivery the load generator sends as number `seq` (from 1). */
export interface DeliveryPlan {
  /** `conclude`: the delivery that concludes seeded payment `seq`; `plain`: names no payment. */
  kind: 'conclude' | 'plain';
  deliveryPrefix: string;
  /** Payment ids are `benchPaymentId(paymentPrefix, seq)` (for `conclude`). */
  paymentPrefix: string;
}

/**
 * The rest of a ~1 KB body, serialised once: only the ids vary per delivery. The sandbox
 * interpreter (the provider's default) reads `type` as the intent and `data.paymentId`, `amount`
 * and `currency`; the rest is what a real gateway sends along.
 */
const REST_JSON = JSON.stringify({
  status: 'succeeded',
  method: 'card',
  card: { brand: 'visa', last4: '4242', expMonth: 12, expYear: 2030, country: 'DE' },
  captured: true,
  capturedAt: '2026-03-14T09:26:53.589Z',
  fee: { amount: 377, currency: 'EUR' },
  net: { amount: 12_613, currency: 'EUR' },
  customer: {
    id: 'cus_01J9Z6PZ4D1F3H5K7M9P1R3T5V',
    email: 'jane.doe@example.com',
    name: 'Jane Doe',
    country: 'DE',
  },
  lines: [
    { sku: 'PLAN-ANNUAL-3SEATS', description: 'Annual plan, 3 seats', quantity: 1, amount: 9_990 },
    { sku: 'ADDON-STORAGE-50GB', description: 'Extra storage, 50 GB', quantity: 1, amount: 3_000 },
  ],
  billingAddress: { line1: 'Musterstrasse 12', city: 'Berlin', postalCode: '10115', country: 'DE' },
  metadata: { cartId: 'cart_7f3a9c2e', channel: 'web', campaign: 'spring-2026' },
  createdAt: '2026-03-14T09:26:51.123Z',
}).slice(1, -1);

/** The body of delivery `seq` of a plan. */
export function plannedBody(plan: DeliveryPlan, seq: number): { id: string; body: Buffer } {
  const id = deliveryId(plan.deliveryPrefix, seq);
  if (plan.kind === 'plain') return { id, body: webhookBody(id) };
  const paymentId = benchPaymentId(plan.paymentPrefix, seq);
  return {
    id,
    body: Buffer.from(
      `{"id":"${id}","type":"payment.completed","data":{"paymentId":"${paymentId}",` +
        `"amount":${SEEDED_AMOUNT},"currency":"${SEEDED_CURRENCY}",` +
        `"transactionId":"ch_${id}",${REST_JSON}}}`,
    ),
  };
}
