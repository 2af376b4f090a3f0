import { createHmac } from 'node:crypto';
import {
  createVerifier,
  InvalidSignatureError,
  MissingSignatureHeadersError,
  type WebhookRequest,
} from '../index';

// GitHub's published example from "Validating webhook deliveries".
const EXAMPLE = {
  secret: "It's a Secret to Everybody",
  payload: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};
const OLD_SECRET = 'old github secret';
const NEW_SECRET = 'new github secret';
const DELIVERY_ID = '72d3162e-cc78-11e3-81ab-4c9367dc0958';

function githubHex(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function request(body: string, headers: Record<string, string | undefined>): WebhookRequest {
  return { rawBody: Buffer.from(body), headers };
}

describe('GithubVerifier', () => {
  const verifier = createVerifier('github', { secrets: [OLD_SECRET, NEW_SECRET] });

  describe("when given GitHub's published example", () => {
    it('accepts it', () => {
      const example = createVerifier('github', { secrets: [EXAMPLE.secret] });

      const delivery = example.verify(
        request(EXAMPLE.payload, { 'x-hub-signature-256': EXAMPLE.signature }),
      );

      expect(delivery).toEqual({ deliveryId: undefined, timestamp: undefined });
    });

    it('rejects it when one hex digit is changed', () => {
      const example = createVerifier('github', { secrets: [EXAMPLE.secret] });
      const altered = EXAMPLE.signature.replace(/7$/, '8');

      const act = () =>
        example.verify(request(EXAMPLE.payload, { 'x-hub-signature-256': altered }));

      expect(act).toThrow(InvalidSignatureError);
    });
  });

  describe('when the signature is valid', () => {
    it('returns the x-github-delivery header as the delivery id', () => {
      const body = '{"action":"opened"}';

      const delivery = verifier.verify(
        request(body, {
          'x-hub-signature-256': githubHex(NEW_SECRET, body),
          'x-github-delivery': DELIVERY_ID,
        }),
      );

      expect(delivery).toEqual({ deliveryId: DELIVERY_ID, timestamp: undefined });
    });

    it('does not consult the clock, since GitHub signs no timestamp', () => {
      const clock = jest.fn(() => new Date(0));
      const withClock = createVerifier('github', { secrets: [NEW_SECRET], clock });
      const body = '{}';

      withClock.verify(request(body, { 'x-hub-signature-256': githubHex(NEW_SECRET, body) }));

      expect(clock).not.toHaveBeenCalled();
    });
  });

  describe('when the secret is being rotated', () => {
    it.each([
      ['old', OLD_SECRET],
      ['new', NEW_SECRET],
    ])('accepts a delivery signed with the %s secret', (_, secret) => {
      const body = '{"zen":"Keep it logically awesome."}';

      const delivery = verifier.verify(
        request(body, {
          'x-hub-signature-256': githubHex(secret, body),
          'x-github-delivery': DELIVERY_ID,
        }),
      );

      expect(delivery.deliveryId).toBe(DELIVERY_ID);
    });

    it('rejects a delivery signed with a secret that is not configured', () => {
      const body = '{}';

      const act = () =>
        verifier.verify(request(body, { 'x-hub-signature-256': githubHex('other', body) }));

      expect(act).toThrow(InvalidSignatureError);
    });
  });

  describe('when the body is not the exact signed bytes', () => {
    it('rejects a signature computed over re-serialised JSON', () => {
      const rawBody = '{"b":1, "a":2}';
      const signature = githubHex(NEW_SECRET, JSON.stringify(JSON.parse(rawBody)));

      const act = () => verifier.verify(request(rawBody, { 'x-hub-signature-256': signature }));

      expect(act).toThrow(InvalidSignatureError);
    });

    it('rejects a tampered body', () => {
      const signature = githubHex(NEW_SECRET, '{"ref":"refs/heads/main"}');

      const act = () =>
        verifier.verify(request('{"ref":"refs/heads/evil"}', { 'x-hub-signature-256': signature }));

      expect(act).toThrow(InvalidSignatureError);
    });
  });

  describe('when the header is missing or malformed', () => {
    it('rejects a request without x-hub-signature-256', () => {
      const act = () => verifier.verify(request('{}', { 'x-github-delivery': DELIVERY_ID }));

      expect(act).toThrow(MissingSignatureHeadersError);
    });

    it('rejects a correct digest without the sha256= prefix', () => {
      const body = '{}';
      const bare = githubHex(NEW_SECRET, body).slice('sha256='.length);

      const act = () => verifier.verify(request(body, { 'x-hub-signature-256': bare }));

      expect(act).toThrow(InvalidSignatureError);
    });

    it('rejects a correct digest followed by non-hex characters', () => {
      const body = '{}';

      const act = () =>
        verifier.verify(
          request(body, { 'x-hub-signature-256': `${githubHex(NEW_SECRET, body)}zz` }),
        );

      expect(act).toThrow(InvalidSignatureError);
    });
  });
});
