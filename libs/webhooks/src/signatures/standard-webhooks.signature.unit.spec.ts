import {
  createVerifier,
  InvalidSignatureError,
  MissingSignatureHeadersError,
  signFor,
  TimestampOutOfToleranceError,
  type WebhookRequest,
} from '../index';

// Published test vector of the standard-webhooks reference libraries (fixed secret/id/timestamp).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  // A well-formed signature from the same suite that does not match the payload.
  wrongSignature: 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=',
};
const VECTOR_TIME = new Date(Number(VECTOR.timestamp) * 1000);

const OLD_SECRET = `whsec_${Buffer.from('old-secret-of-24-bytes!!').toString('base64')}`;
const NEW_SECRET = `whsec_${Buffer.from('new-secret-of-24-bytes!!').toString('base64')}`;
// A clock with a millisecond part, so whole-second tolerance maths is exercised.
const NOW = new Date('2024-05-01T12:00:00.750Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

function vectorRequest(overrides: Record<string, string | undefined> = {}): WebhookRequest {
  return {
    rawBody: Buffer.from(VECTOR.payload),
    headers: {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': VECTOR.timestamp,
      'webhook-signature': VECTOR.signature,
      ...overrides,
    },
  };
}

function signedRequest(
  secret: string,
  body: string,
  timestamp: Date = NOW,
  id = 'msg_1',
): WebhookRequest {
  return {
    rawBody: Buffer.from(body),
    headers: signFor('standard-webhooks', secret, body, { id, timestamp }),
  };
}

function secondsFromNow(seconds: number): Date {
  return new Date((NOW_SECONDS + seconds) * 1000);
}

describe('StandardWebhooksVerifier', () => {
  const vectorVerifier = createVerifier('standard-webhooks', {
    secrets: [VECTOR.secret],
    clock: () => VECTOR_TIME,
  });
  const verifier = createVerifier('standard-webhooks', {
    secrets: [OLD_SECRET, NEW_SECRET],
    clock: () => NOW,
  });

  describe('when given the published test vector', () => {
    it('accepts it and returns the webhook id and timestamp', () => {
      const request = vectorRequest();

      const delivery = vectorVerifier.verify(request);

      expect(delivery).toEqual({ deliveryId: VECTOR.id, timestamp: VECTOR_TIME });
    });

    it('accepts it with the secret written without the whsec_ prefix', () => {
      const unprefixed = createVerifier('standard-webhooks', {
        secrets: [VECTOR.secret.slice('whsec_'.length)],
        clock: () => VECTOR_TIME,
      });

      const delivery = unprefixed.verify(vectorRequest());

      expect(delivery.deliveryId).toBe(VECTOR.id);
    });

    it('accepts the published multi-signature header with the valid one among wrong ones', () => {
      const header = [
        VECTOR.wrongSignature,
        VECTOR.wrongSignature.replace('v1,', 'v2,'),
        VECTOR.signature,
        VECTOR.wrongSignature,
      ].join(' ');

      const delivery = vectorVerifier.verify(vectorRequest({ 'webhook-signature': header }));

      expect(delivery.deliveryId).toBe(VECTOR.id);
    });

    it('rejects the published wrong signature', () => {
      const request = vectorRequest({ 'webhook-signature': VECTOR.wrongSignature });

      expect(() => vectorVerifier.verify(request)).toThrow(InvalidSignatureError);
    });

    it('ignores a correct digest labelled with another version', () => {
      const request = vectorRequest({
        'webhook-signature': VECTOR.signature.replace('v1,', 'v1a,'),
      });

      expect(() => vectorVerifier.verify(request)).toThrow(InvalidSignatureError);
    });

    it('rejects a correct digest followed by extra characters', () => {
      const request = vectorRequest({ 'webhook-signature': `${VECTOR.signature},x` });

      expect(() => vectorVerifier.verify(request)).toThrow(InvalidSignatureError);
    });
  });

  describe('when the secret is being rotated', () => {
    it.each([
      ['old', OLD_SECRET],
      ['new', NEW_SECRET],
    ])('accepts a delivery signed with the %s secret', (_, secret) => {
      const request = signedRequest(secret, '{"id":"evt_1"}');

      const delivery = verifier.verify(request);

      expect(delivery).toEqual({ deliveryId: 'msg_1', timestamp: secondsFromNow(0) });
    });

    it('rejects a delivery signed with a secret that is not configured', () => {
      const other = `whsec_${Buffer.from('other-secret-of-24-bytes').toString('base64')}`;
      const request = signedRequest(other, '{"id":"evt_1"}');

      expect(() => verifier.verify(request)).toThrow(InvalidSignatureError);
    });
  });

  describe('when the timestamp is near the edge of the tolerance', () => {
    it.each([-300, 300])('accepts a delivery %i s from now', (offset) => {
      const request = signedRequest(NEW_SECRET, '{}', secondsFromNow(offset));

      const delivery = verifier.verify(request);

      expect(delivery.timestamp).toEqual(secondsFromNow(offset));
    });

    it.each([-301, 301])('rejects a genuine delivery %i s from now', (offset) => {
      const request = signedRequest(NEW_SECRET, '{}', secondsFromNow(offset));

      expect(() => verifier.verify(request)).toThrow(TimestampOutOfToleranceError);
    });

    it('applies a configured tolerance instead of the default', () => {
      const strict = createVerifier('standard-webhooks', {
        secrets: [NEW_SECRET],
        toleranceSeconds: 60,
        clock: () => NOW,
      });
      const request = signedRequest(NEW_SECRET, '{}', secondsFromNow(-61));

      expect(() => strict.verify(request)).toThrow(TimestampOutOfToleranceError);
    });

    it('reports a forged stale delivery as a bad signature, not as stale', () => {
      const request = signedRequest(NEW_SECRET, '{}', secondsFromNow(-3600));
      const forged = { ...request, rawBody: Buffer.from('{"forged":true}') };

      expect(() => verifier.verify(forged)).toThrow(InvalidSignatureError);
    });
  });

  describe('when the body is not the exact signed bytes', () => {
    it('rejects a signature computed over re-serialised JSON', () => {
      const rawBody = '{"b":1, "a":2}';
      const reserialised = JSON.stringify(JSON.parse(rawBody));
      const headers = signedRequest(NEW_SECRET, reserialised).headers;

      expect(() => verifier.verify({ rawBody: Buffer.from(rawBody), headers })).toThrow(
        InvalidSignatureError,
      );
    });

    it('rejects a tampered body', () => {
      const request = signedRequest(NEW_SECRET, '{"amount":100}');

      const tampered = { ...request, rawBody: Buffer.from('{"amount":900}') };

      expect(() => verifier.verify(tampered)).toThrow(InvalidSignatureError);
    });

    it('rejects a tampered webhook id', () => {
      const request = signedRequest(NEW_SECRET, '{}');

      const tampered = { ...request, headers: { ...request.headers, 'webhook-id': 'msg_2' } };

      expect(() => verifier.verify(tampered)).toThrow(InvalidSignatureError);
    });
  });

  describe('when headers are missing or malformed', () => {
    it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
      'rejects a request without %s',
      (name) => {
        const request = vectorRequest({ [name]: undefined });

        expect(() => vectorVerifier.verify(request)).toThrow(MissingSignatureHeadersError);
      },
    );

    it('names every missing header at once', () => {
      const request: WebhookRequest = { rawBody: Buffer.from('{}'), headers: {} };

      const act = () => verifier.verify(request);

      expect(act).toThrow(
        expect.objectContaining({
          missing: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
        }),
      );
    });

    it('treats an empty header as missing', () => {
      const request = vectorRequest({ 'webhook-signature': '' });

      expect(() => vectorVerifier.verify(request)).toThrow(MissingSignatureHeadersError);
    });

    it('rejects a non-numeric timestamp as an invalid signature', () => {
      const request = vectorRequest({ 'webhook-timestamp': '1614265330.5' });

      expect(() => vectorVerifier.verify(request)).toThrow(InvalidSignatureError);
    });
  });

  describe('when the sender names the headers as Svix does', () => {
    const svixRequest = (overrides: Record<string, string> = {}): WebhookRequest => ({
      rawBody: Buffer.from(VECTOR.payload),
      headers: {
        'svix-id': VECTOR.id,
        'svix-timestamp': VECTOR.timestamp,
        'svix-signature': VECTOR.signature,
        ...overrides,
      },
    });

    it('accepts svix-id, svix-timestamp and svix-signature', () => {
      const verified = vectorVerifier.verify(svixRequest());

      expect(verified).toEqual({ deliveryId: VECTOR.id, timestamp: VECTOR_TIME });
    });

    it('rejects a wrong signature under the Svix names', () => {
      const request = svixRequest({ 'svix-signature': VECTOR.wrongSignature });

      expect(() => vectorVerifier.verify(request)).toThrow(InvalidSignatureError);
    });

    it('names the missing Svix headers when only some are sent', () => {
      const request: WebhookRequest = {
        rawBody: Buffer.from(VECTOR.payload),
        headers: { 'svix-id': VECTOR.id },
      };

      expect(() => vectorVerifier.verify(request)).toThrow(
        expect.objectContaining({ missing: ['svix-timestamp', 'svix-signature'] }),
      );
    });

    it('never mixes the two sets of names', () => {
      const request: WebhookRequest = {
        rawBody: Buffer.from(VECTOR.payload),
        headers: {
          'webhook-id': VECTOR.id,
          'svix-timestamp': VECTOR.timestamp,
          'svix-signature': VECTOR.signature,
        },
      };

      expect(() => vectorVerifier.verify(request)).toThrow(
        expect.objectContaining({ missing: ['webhook-timestamp', 'webhook-signature'] }),
      );
    });
  });

  describe('when the secret is not base64', () => {
    it('refuses to build the verifier', () => {
      const act = () => createVerifier('standard-webhooks', { secrets: ['whsec_not base64!'] });

      expect(act).toThrow(TypeError);
    });
  });
});
