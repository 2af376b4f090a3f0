import { createHmac } from 'node:crypto';
import {
  createVerifier,
  InvalidSignatureError,
  MissingSignatureHeadersError,
  signFor,
  TimestampOutOfToleranceError,
  type WebhookRequest,
} from '../index';

const OLD_SECRET = 'whsec_old0000000000000000000000000';
const NEW_SECRET = 'whsec_new1111111111111111111111111';
const NOW = new Date('2024-05-01T12:00:00.750Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const BODY = '{"id":"evt_1NfLx2","object":"event","type":"payment_intent.succeeded"}';

// Independent of the code under test: Stripe's rule is hex HMAC-SHA256 of `t.body` keyed with
// the whole secret string.
function stripeHex(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

function request(body: string, header: string | undefined): WebhookRequest {
  return { rawBody: Buffer.from(body), headers: { 'stripe-signature': header } };
}

function signedRequest(secret: string, body: string, t = NOW_SECONDS): WebhookRequest {
  return request(body, `t=${t},v1=${stripeHex(secret, t, body)}`);
}

describe('StripeVerifier', () => {
  const verifier = createVerifier('stripe', {
    secrets: [OLD_SECRET, NEW_SECRET],
    clock: () => NOW,
  });

  describe('when the header is built by Stripe rules', () => {
    it('accepts it and takes the delivery id from the payload', () => {
      const delivery = verifier.verify(signedRequest(NEW_SECRET, BODY));

      expect(delivery).toEqual({
        deliveryId: 'evt_1NfLx2',
        timestamp: new Date(NOW_SECONDS * 1000),
      });
    });

    it.each([
      ['wrong first', (good: string, bad: string) => `v1=${bad},v1=${good}`],
      ['right first', (good: string, bad: string) => `v1=${good},v1=${bad}`],
    ])('accepts two v1 entries of which one is wrong (%s)', (_, entries) => {
      const good = stripeHex(NEW_SECRET, NOW_SECONDS, BODY);
      const bad = stripeHex('whsec_somebody_else', NOW_SECONDS, BODY);
      const header = `t=${NOW_SECONDS},${entries(good, bad)},v0=${bad}`;

      const delivery = verifier.verify(request(BODY, header));

      expect(delivery.deliveryId).toBe('evt_1NfLx2');
    });

    it('rejects a header whose only matching digest is labelled v0', () => {
      const good = stripeHex(NEW_SECRET, NOW_SECONDS, BODY);
      const bad = stripeHex('whsec_somebody_else', NOW_SECONDS, BODY);

      const act = () => verifier.verify(request(BODY, `t=${NOW_SECONDS},v1=${bad},v0=${good}`));

      expect(act).toThrow(InvalidSignatureError);
    });

    it('uses the whole whsec_ string as the key, not its decoded form', () => {
      const decodedKey = Buffer.from(NEW_SECRET.slice('whsec_'.length), 'base64');
      const hex = createHmac('sha256', decodedKey).update(`${NOW_SECONDS}.${BODY}`).digest('hex');

      const act = () => verifier.verify(request(BODY, `t=${NOW_SECONDS},v1=${hex}`));

      expect(act).toThrow(InvalidSignatureError);
    });

    it('agrees with signFor', () => {
      const headers = signFor('stripe', NEW_SECRET, BODY, { timestamp: NOW });

      const delivery = verifier.verify({ rawBody: Buffer.from(BODY), headers });

      expect(delivery.deliveryId).toBe('evt_1NfLx2');
    });
  });

  describe('when the secret is being rotated', () => {
    it.each([
      ['old', OLD_SECRET],
      ['new', NEW_SECRET],
    ])('accepts an event signed with the %s secret', (_, secret) => {
      const delivery = verifier.verify(signedRequest(secret, BODY));

      expect(delivery.deliveryId).toBe('evt_1NfLx2');
    });

    it('rejects an event signed with a secret that is not configured', () => {
      const act = () => verifier.verify(signedRequest('whsec_other', BODY));

      expect(act).toThrow(InvalidSignatureError);
    });
  });

  describe('when the timestamp is near the edge of the tolerance', () => {
    it.each([-300, 300])('accepts an event %i s from now', (offset) => {
      const delivery = verifier.verify(signedRequest(NEW_SECRET, BODY, NOW_SECONDS + offset));

      expect(delivery.timestamp).toEqual(new Date((NOW_SECONDS + offset) * 1000));
    });

    it.each([-301, 301])('rejects a genuine event %i s from now', (offset) => {
      const act = () => verifier.verify(signedRequest(NEW_SECRET, BODY, NOW_SECONDS + offset));

      expect(act).toThrow(TimestampOutOfToleranceError);
    });
  });

  describe('when the body is not the exact signed bytes', () => {
    it('rejects a signature computed over re-serialised JSON', () => {
      const rawBody = '{"b":1, "a":2}';
      const reserialised = JSON.stringify(JSON.parse(rawBody));
      const header = `t=${NOW_SECONDS},v1=${stripeHex(NEW_SECRET, NOW_SECONDS, reserialised)}`;

      expect(() => verifier.verify(request(rawBody, header))).toThrow(InvalidSignatureError);
    });

    it('rejects a tampered body', () => {
      const signed = signedRequest(NEW_SECRET, BODY);

      const tampered = { ...signed, rawBody: Buffer.from(BODY.replace('succeeded', 'failed')) };

      expect(() => verifier.verify(tampered)).toThrow(InvalidSignatureError);
    });
  });

  describe('when the verified payload carries no usable id', () => {
    it.each([
      ['is not JSON', 'plain text'],
      ['is a JSON array', '[{"id":"evt_1"}]'],
      ['has a numeric id', '{"id":42}'],
      ['has no id', '{"object":"event"}'],
    ])('returns an undefined delivery id when the body %s', (_, body) => {
      const delivery = verifier.verify(signedRequest(NEW_SECRET, body));

      expect(delivery.deliveryId).toBeUndefined();
    });
  });

  describe('when the header is missing or malformed', () => {
    it('rejects a request without stripe-signature', () => {
      expect(() => verifier.verify(request(BODY, undefined))).toThrow(MissingSignatureHeadersError);
    });

    it.each([
      ['has no t=', (hex: string) => `v1=${hex}`],
      ['has two t=', (hex: string) => `t=${NOW_SECONDS},t=${NOW_SECONDS + 1},v1=${hex}`],
      ['has a non-numeric t=', (hex: string) => `t=soon,v1=${hex}`],
      ['has no v1=', () => `t=${NOW_SECONDS}`],
    ])('rejects a header that %s as an invalid signature', (_, build) => {
      const header = build(stripeHex(NEW_SECRET, NOW_SECONDS, BODY));

      expect(() => verifier.verify(request(BODY, header))).toThrow(InvalidSignatureError);
    });
  });
});
