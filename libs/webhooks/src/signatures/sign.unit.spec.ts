import { createHmac } from 'node:crypto';
import { createVerifier, SCHEME_NAMES, signFor } from '../index';

const NOW = new Date('2024-05-01T12:00:00.750Z');
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

describe('signFor', () => {
  describe('when signing the published vectors', () => {
    it('reproduces the Standard Webhooks signature', () => {
      const headers = signFor(
        'standard-webhooks',
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        '{"test": 2432232314}',
        { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: new Date(1614265330 * 1000) },
      );

      expect(headers).toEqual({
        'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
        'webhook-timestamp': '1614265330',
        'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
      });
    });

    it("reproduces GitHub's example signature", () => {
      const headers = signFor('github', "It's a Secret to Everybody", 'Hello, World!', {
        id: 'd1',
      });

      expect(headers).toEqual({
        'x-hub-signature-256':
          'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        'x-github-delivery': 'd1',
      });
    });
  });

  describe('when signing by the Stripe and hmac-sha256 rules', () => {
    const body = '{"id":"evt_1"}';

    it('builds t=<unix>,v1=<hex of t.body> keyed with the whole Stripe secret', () => {
      const expected = createHmac('sha256', 'whsec_abc').update(`${NOW_SECONDS}.${body}`);

      const headers = signFor('stripe', 'whsec_abc', body, { timestamp: NOW });

      expect(headers).toEqual({
        'stripe-signature': `t=${NOW_SECONDS},v1=${expected.digest('hex')}`,
      });
    });

    it('builds x-timestamp and x-signature (the delivery id comes from the signed payload)', () => {
      const expected = createHmac('sha256', 'shh').update(`${NOW_SECONDS}.${body}`);

      const headers = signFor('hmac-sha256', 'shh', Buffer.from(body), {
        id: 'dlv_1',
        timestamp: NOW,
      });

      expect(headers).toEqual({
        'x-timestamp': String(NOW_SECONDS),
        'x-signature': expected.digest('hex'),
      });
    });
  });

  describe('when no id or timestamp is given', () => {
    beforeEach(() => {
      jest.useFakeTimers({ now: NOW });
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('signs the current time and generates a Standard Webhooks message id', () => {
      const headers = signFor('standard-webhooks', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{}');

      expect(headers['webhook-timestamp']).toBe(String(NOW_SECONDS));
      expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f-]{36}$/);
    });

    it('sends no delivery id header it was not given', () => {
      const headers = signFor('hmac-sha256', 'shh', '{}');

      expect(Object.keys(headers).sort()).toEqual(['x-signature', 'x-timestamp']);
    });
  });

  describe('when the verifier checks what was signed', () => {
    it.each(SCHEME_NAMES)('round-trips the %s scheme', (scheme) => {
      const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
      const body = Buffer.from('{"id":"evt_42", "amount": 100}');
      const verifier = createVerifier(scheme, { secrets: [secret], clock: () => NOW });

      const delivery = verifier.verify({
        rawBody: body,
        headers: signFor(scheme, secret, body, { id: 'evt_42', timestamp: NOW }),
      });

      expect(delivery.deliveryId).toBe('evt_42');
    });
  });
});
