import { createHmac } from 'node:crypto';
import {
  createVerifier,
  InvalidSignatureError,
  MissingSignatureHeadersError,
  TimestampOutOfToleranceError,
  type WebhookRequest,
} from '../index';

const OLD_SECRET = 'old-shared-secret';
const NEW_SECRET = 'new-shared-secret';
const NOW = new Date('2024-05-01T12:00:00.750Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const BODY = '{"id":"pay_123","status":"captured"}';

// Independent of the code under test: hex HMAC-SHA256 of `timestamp.body`, UTF-8 secret.
function hex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

function signedRequest(
  secret: string,
  body: string,
  timestamp = NOW_SECONDS,
  extra: Record<string, string> = {},
): WebhookRequest {
  return {
    rawBody: Buffer.from(body),
    headers: {
      'x-timestamp': String(timestamp),
      'x-signature': hex(secret, timestamp, body),
      ...extra,
    },
  };
}

describe('HmacSha256Verifier', () => {
  const verifier = createVerifier('hmac-sha256', {
    secrets: [OLD_SECRET, NEW_SECRET],
    clock: () => NOW,
  });

  describe('when the signature is valid', () => {
    it('names the delivery by the signed payload id, ignoring an unsigned id header', () => {
      const request = signedRequest(NEW_SECRET, BODY, NOW_SECONDS, { 'x-delivery-id': 'dlv_9' });

      const delivery = verifier.verify(request);

      expect(delivery).toEqual({ deliveryId: 'pay_123', timestamp: new Date(NOW_SECONDS * 1000) });
    });

    it('returns an undefined delivery id when the payload has none', () => {
      const delivery = verifier.verify(signedRequest(NEW_SECRET, 'not json'));

      expect(delivery.deliveryId).toBeUndefined();
    });

    it('accepts a header value delivered as a one-element array', () => {
      const request = signedRequest(NEW_SECRET, BODY);
      const headers = {
        ...request.headers,
        'x-signature': [request.headers['x-signature'] as string],
      };

      const delivery = verifier.verify({ ...request, headers });

      expect(delivery.deliveryId).toBe('pay_123');
    });
  });

  describe('when the secret is being rotated', () => {
    it.each([
      ['old', OLD_SECRET],
      ['new', NEW_SECRET],
    ])('accepts a message signed with the %s secret', (_, secret) => {
      const delivery = verifier.verify(signedRequest(secret, BODY));

      expect(delivery.deliveryId).toBe('pay_123');
    });

    it('rejects a message signed with a secret that is not configured', () => {
      expect(() => verifier.verify(signedRequest('other-secret', BODY))).toThrow(
        InvalidSignatureError,
      );
    });
  });

  describe('when the timestamp is near the edge of the tolerance', () => {
    it.each([-300, 300])('accepts a message %i s from now', (offset) => {
      const delivery = verifier.verify(signedRequest(NEW_SECRET, BODY, NOW_SECONDS + offset));

      expect(delivery.timestamp).toEqual(new Date((NOW_SECONDS + offset) * 1000));
    });

    it.each([-301, 301])('rejects a genuine message %i s from now', (offset) => {
      const act = () => verifier.verify(signedRequest(NEW_SECRET, BODY, NOW_SECONDS + offset));

      expect(act).toThrow(TimestampOutOfToleranceError);
    });

    it('reports the stale timestamp and the tolerance in the error details', () => {
      const act = () => verifier.verify(signedRequest(NEW_SECRET, BODY, NOW_SECONDS - 301));

      expect(act).toThrow(
        expect.objectContaining({
          code: 'timestamp_out_of_tolerance',
          timestamp: new Date((NOW_SECONDS - 301) * 1000),
          toleranceSeconds: 300,
        }),
      );
    });
  });

  describe('when the body or timestamp is not what was signed', () => {
    it('rejects a signature computed over re-serialised JSON', () => {
      const rawBody = '{"b":1, "a":2}';
      const reserialised = JSON.stringify(JSON.parse(rawBody));
      const request = signedRequest(NEW_SECRET, reserialised);

      const act = () => verifier.verify({ ...request, rawBody: Buffer.from(rawBody) });

      expect(act).toThrow(InvalidSignatureError);
    });

    it('rejects a tampered body', () => {
      const request = signedRequest(NEW_SECRET, BODY);

      const act = () =>
        verifier.verify({ ...request, rawBody: Buffer.from(BODY.replace('captured', 'refunded')) });

      expect(act).toThrow(InvalidSignatureError);
    });

    it('rejects a timestamp changed after signing', () => {
      const request = signedRequest(NEW_SECRET, BODY);
      const headers = { ...request.headers, 'x-timestamp': String(NOW_SECONDS + 1) };

      expect(() => verifier.verify({ ...request, headers })).toThrow(InvalidSignatureError);
    });
  });

  describe('when headers are missing or malformed', () => {
    it.each(['x-timestamp', 'x-signature'])('rejects a request without %s', (name) => {
      const request = signedRequest(NEW_SECRET, BODY);
      const headers = { ...request.headers, [name]: undefined };

      expect(() => verifier.verify({ ...request, headers })).toThrow(MissingSignatureHeadersError);
    });

    it('rejects a non-numeric timestamp as an invalid signature', () => {
      const request = signedRequest(NEW_SECRET, BODY);
      const headers = { ...request.headers, 'x-timestamp': '-1' };

      expect(() => verifier.verify({ ...request, headers })).toThrow(InvalidSignatureError);
    });

    it('rejects a repeated signature header', () => {
      const request = signedRequest(NEW_SECRET, BODY);
      const signature = request.headers['x-signature'] as string;
      const headers = { ...request.headers, 'x-signature': [signature, signature] };

      expect(() => verifier.verify({ ...request, headers })).toThrow(InvalidSignatureError);
    });
  });
});
