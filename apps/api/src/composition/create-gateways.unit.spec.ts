import { parseLedgerConfig, readLedgerEnv } from '@ledger/config';
import {
  HttpPaymentGateway,
  InvalidGatewayOptionsError,
  StripePaymentGateway,
} from '@ledger/outbound';
import { TEST_CONFIG } from '../testing/test-api';
import { createGateways } from './api-dependencies.factory';

/** TEST_CONFIG with globex's account replaced by `gateway`. */
function configWithGlobex(gateway: object) {
  return parseLedgerConfig({
    ...TEST_CONFIG,
    tenants: TEST_CONFIG.tenants.map((tenant) =>
      tenant.id === 'globex' ? { ...tenant, gateway } : tenant,
    ),
  });
}

describe('the gateway clients of a configuration', () => {
  describe('when one tenant has a stripe account and another a sandbox one', () => {
    it("gives each tenant the adapter its account's kind names", () => {
      const config = configWithGlobex({ kind: 'stripe', apiKey: 'sk_test_not_a_real_key' });

      const gateways = createGateways(config, readLedgerEnv({}));

      expect(gateways.for('acme')).toBeInstanceOf(HttpPaymentGateway);
      expect(gateways.for('globex')).toBeInstanceOf(StripePaymentGateway);
    });
  });

  describe('when a stripe account has a live key and no payment method', () => {
    it('refuses to build its client', () => {
      const config = configWithGlobex({ kind: 'stripe', apiKey: 'sk_live_not_a_real_key' });

      expect(() => createGateways(config, readLedgerEnv({}))).toThrow(InvalidGatewayOptionsError);
    });
  });
});
