import { LedgerError } from '@ledger/errors';
import {
  createVerifier,
  GithubVerifier,
  HmacSha256Verifier,
  InvalidSignatureError,
  isSchemeName,
  MissingSignatureHeadersError,
  SCHEME_NAMES,
  type SchemeName,
  StandardWebhooksVerifier,
  StripeVerifier,
  TimestampOutOfToleranceError,
} from '../index';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('createVerifier', () => {
  describe('when given a known scheme', () => {
    it.each([
      ['standard-webhooks', StandardWebhooksVerifier],
      ['stripe', StripeVerifier],
      ['github', GithubVerifier],
      ['hmac-sha256', HmacSha256Verifier],
    ] as const)('builds the %s verifier', (scheme, type) => {
      const verifier = createVerifier(scheme, { secrets: [SECRET] });

      expect(verifier).toBeInstanceOf(type);
      expect(verifier.scheme).toBe(scheme);
    });
  });

  describe('when the configuration cannot verify anything', () => {
    it.each(SCHEME_NAMES)('refuses %s without secrets', (scheme) => {
      expect(() => createVerifier(scheme, { secrets: [] })).toThrow(TypeError);
    });

    it.each(SCHEME_NAMES)('refuses %s with an empty secret', (scheme) => {
      expect(() => createVerifier(scheme, { secrets: [SECRET, ''] })).toThrow(TypeError);
    });

    it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a tolerance of %d', (value) => {
      const act = () => createVerifier('stripe', { secrets: [SECRET], toleranceSeconds: value });

      expect(act).toThrow(RangeError);
    });

    it('refuses an unknown scheme from configuration', () => {
      const act = () => createVerifier('svix' as SchemeName, { secrets: [SECRET] });

      expect(act).toThrow(TypeError);
    });
  });

  describe('when a request fails verification', () => {
    it.each(SCHEME_NAMES)('never echoes the %s secret in the error', (scheme) => {
      const verifier = createVerifier(scheme, { secrets: [SECRET] });
      const headers = {
        'webhook-id': 'msg_1',
        'webhook-timestamp': '1',
        'webhook-signature': 'v1,AAAA',
        'stripe-signature': 't=1,v1=00',
        'x-hub-signature-256': 'sha256=00',
        'x-timestamp': '1',
        'x-signature': '00',
      };

      let error: unknown;
      try {
        verifier.verify({ rawBody: Buffer.from('{}'), headers });
      } catch (caught) {
        error = caught;
      }

      expect(error).toBeInstanceOf(InvalidSignatureError);
      const rendered = JSON.stringify({
        message: (error as InvalidSignatureError).message,
        details: (error as InvalidSignatureError).details(),
      });
      expect(rendered).not.toContain(SECRET.slice('whsec_'.length));
    });
  });
});

describe('isSchemeName', () => {
  describe('when given configuration text', () => {
    it('accepts the supported schemes and nothing else', () => {
      const accepted = ['stripe', 'github', 'Stripe', 'svix', ''].filter(isSchemeName);

      expect(accepted).toEqual(['stripe', 'github']);
    });
  });
});

describe('signature errors', () => {
  describe('when mapped to HTTP', () => {
    it.each([
      [new InvalidSignatureError('stripe'), 'invalid_signature', 401],
      [
        new TimestampOutOfToleranceError('stripe', new Date(0), 300),
        'timestamp_out_of_tolerance',
        401,
      ],
      [
        new MissingSignatureHeadersError('stripe', ['stripe-signature']),
        'missing_signature_headers',
        400,
      ],
    ])('gives %p a stable code and status', (error, code, status) => {
      expect(error).toBeInstanceOf(LedgerError);
      expect(error.code).toBe(code);
      expect(error.status).toBe(status);
    });
  });
});
