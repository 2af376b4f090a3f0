import { sandboxGatewayOptionsFromEnv } from './sandbox-gateway.env';

describe('sandboxGatewayOptionsFromEnv', () => {
  describe('when nothing is set', () => {
    it('listens on loopback port 4020 with the local key and sends no webhooks', () => {
      expect(sandboxGatewayOptionsFromEnv({})).toEqual({
        port: 4020,
        host: '127.0.0.1',
        apiKey: 'sandbox-key-local-only',
      });
    });
  });

  describe('when everything is set', () => {
    it('reads port, key, webhook and faults', () => {
      const options = sandboxGatewayOptionsFromEnv({
        SANDBOX_GATEWAY_PORT: '0',
        SANDBOX_API_KEY: 'k',
        SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:3000/webhooks/sandbox',
        SANDBOX_WEBHOOK_SECRET: 'whsec_dGVzdA==',
        SANDBOX_FAULTS: '{"duplicateWebhookRate":0.1}',
      });

      expect(options).toMatchObject({
        port: 0,
        apiKey: 'k',
        webhook: { url: 'http://127.0.0.1:3000/webhooks/sandbox', secret: 'whsec_dGVzdA==' },
        faults: { duplicateWebhookRate: 0.1 },
      });
    });
  });

  describe('when webhooks are to be signed the Stripe way', () => {
    it("signs with the stripe scheme and the local stripe-test provider's secret", () => {
      const options = sandboxGatewayOptionsFromEnv({
        SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:3000/webhooks/stripe-test',
        SANDBOX_WEBHOOK_SCHEME: 'stripe',
      });

      expect(options.webhook).toEqual({
        url: 'http://127.0.0.1:3000/webhooks/stripe-test',
        secret: 'whsec_local_dev_only_not_a_real_secret',
        scheme: 'stripe',
      });
    });
  });

  describe('when a value is invalid', () => {
    it.each([
      [{ SANDBOX_WEBHOOK_SCHEME: 'github' }],
      [{ SANDBOX_GATEWAY_PORT: 'abc' }],
      [{ SANDBOX_WEBHOOK_URL: 'not a url' }],
      [{ SANDBOX_WEBHOOK_URL: 'ftp://host/hook' }],
      [{ SANDBOX_FAULTS: '{"hangRate":3}' }],
      [{ SANDBOX_FAULTS: '{' }],
    ])('throws for %j', (env) => {
      expect(() => sandboxGatewayOptionsFromEnv(env)).toThrow(RangeError);
    });
  });
});
