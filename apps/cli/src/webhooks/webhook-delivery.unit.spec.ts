import { parseLedgerConfig } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import { createVerifier, interpretPayload, SCHEME_NAMES } from '@ledger/webhooks';
import {
  buildPayload,
  deliveryIdSeen,
  findProvider,
  parseSendOptions,
  signedHeaders,
} from './webhook-delivery';

const sandboxAccount = (apiKey: string) => ({ kind: 'sandbox', baseUrl: null, apiKey });
const config = parseLedgerConfig({
  tenants: [
    { id: 'acme', apiKeys: ['test-key-acme-0000'], gateway: sandboxAccount('test-gw-acme') },
    { id: 'globex', apiKeys: ['test-key-globex-000'], gateway: sandboxAccount('test-gw-globex') },
  ],
  providers: [
    { name: 'stripe-test', tenant: 'acme', scheme: 'stripe', secrets: ['whsec_test_not_real'] },
    { name: 'gh', tenant: 'globex', scheme: 'github', secrets: ['test-secret-not-real'] },
  ],
});

describe('ledger webhooks send: its options', () => {
  describe('when the options are complete', () => {
    it('reads the numbers and keeps the rest', () => {
      const request = parseSendOptions({
        provider: 'gh',
        event: 'payment.succeeded',
        payment: 'pay_1',
        repeat: '3',
        delayMs: '250',
        url: 'http://127.0.0.1:3999/',
      });

      expect(request).toEqual({
        provider: 'gh',
        body: { event: 'payment.succeeded', paymentId: 'pay_1' },
        repeat: 3,
        delayMs: 250,
        url: 'http://127.0.0.1:3999',
      });
    });

    it('sends once, at once, by default', () => {
      const request = parseSendOptions({ provider: 'gh', file: 'payload.json' });

      expect(request).toMatchObject({ body: { file: 'payload.json' }, repeat: 1, delayMs: 0 });
    });
  });

  describe('when an option is wrong or missing', () => {
    it.each([
      [{ event: 'payment.succeeded', payment: 'p' }, '--provider is required'],
      [{ provider: 'gh' }, 'give either --file'],
      [{ provider: 'gh', file: 'a.json', event: 'x', payment: 'p' }, 'give either --file'],
      [{ provider: 'gh', event: 'payment.succeeded' }, '--event and --payment go together'],
      [{ provider: 'gh', payment: 'p' }, '--event and --payment go together'],
      [{ provider: 'gh', file: 'a.json', repeat: '0' }, '--repeat must be a whole number'],
      [{ provider: 'gh', file: 'a.json', repeat: '2.5' }, '--repeat must be a whole number'],
      [{ provider: 'gh', file: 'a.json', delayMs: '-1' }, '--delay-ms must be a whole number'],
      [{ provider: 'gh', file: 'a.json', delayMs: 'soon' }, '--delay-ms must be a whole number'],
      [{ provider: 'gh', file: 'a.json', url: 'localhost:3000' }, '--url must be'],
      [{ provider: 'gh', file: 'a.json', id: ' ' }, '--id must not be empty'],
    ])('refuses %j with a usage error', (options, message) => {
      const act = () => parseSendOptions(options);

      expect(act).toThrow(UsageError);
      expect(act).toThrow(message);
    });
  });

  describe('when the provider or the tenant is unknown', () => {
    it('lists the known providers', () => {
      const act = () => findProvider(config, 'nope');

      expect(act).toThrow(UsageError);
      expect(act).toThrow(
        'No provider is named "nope"; known providers: stripe-test (stripe, tenant acme), ' +
          'gh (github, tenant globex)',
      );
    });

    it('lists the known tenants', () => {
      expect(() => findProvider(config, 'gh', 'nope')).toThrow(
        'No tenant is named "nope"; known tenants: acme, globex',
      );
    });

    it("refuses another tenant's provider, listing the tenant's own", () => {
      expect(() => findProvider(config, 'gh', 'acme')).toThrow(
        'No provider is named "gh" for tenant acme; known providers: stripe-test (stripe, tenant acme)',
      );
    });
  });
});

describe('ledger webhooks send: the delivery', () => {
  const now = new Date('2026-01-02T03:04:05Z');

  describe.each(SCHEME_NAMES)('when the provider signs with %s', (scheme) => {
    const provider = { scheme, secrets: ['whsec_dGVzdC1zZWNyZXQtbm90LXJlYWw='] };

    it('builds a body that links the delivery to the payment', () => {
      const payload = buildPayload(scheme, 'payment.succeeded', 'pay_42', 'evt_1', now);

      expect(interpretPayload(payload)).toMatchObject({
        intent: 'payment_succeeded',
        paymentId: 'pay_42',
      });
    });

    it("signs it so that the scheme's verifier accepts it, with the same delivery id each time", () => {
      const body = Buffer.from(
        JSON.stringify(buildPayload(scheme, 'payment.failed', 'pay_42', 'evt_same', now)),
      );
      const verifier = createVerifier(scheme, { secrets: provider.secrets, clock: () => now });

      const first = verifier.verify({
        rawBody: body,
        headers: signedHeaders(provider, body, 'evt_same', now),
      });
      const again = verifier.verify({
        rawBody: body,
        headers: signedHeaders(provider, body, 'evt_same', new Date(now.getTime() + 2_000)),
      });

      expect(first.deliveryId).toBe('evt_same');
      expect(again.deliveryId).toBe('evt_same');
    });
  });

  it('builds a Stripe refund as a refund object', () => {
    const payload = buildPayload('stripe', 'refund.created', 'pay_42', 'evt_1', now);

    expect(interpretPayload(payload)).toMatchObject({
      intent: 'refund_succeeded',
      paymentId: 'pay_42',
      refundId: 're_evt_1',
    });
  });
});

describe('ledger webhooks send: the delivery id it reports', () => {
  const body = Buffer.from('{"id":"evt_in_body","type":"payment.succeeded"}');

  it.each([
    ['standard-webhooks', 'msg_header'],
    ['github', 'msg_header'],
    ['stripe', 'evt_in_body'],
    ['hmac-sha256', 'evt_in_body'],
  ] as const)('for %s is %s', (scheme, expected) => {
    expect(deliveryIdSeen(scheme, body, 'msg_header')).toBe(expected);
  });

  it("says so when a body-id scheme's body has none", () => {
    expect(deliveryIdSeen('stripe', Buffer.from('{}'), 'msg_header')).toContain('SHA-256');
  });
});
