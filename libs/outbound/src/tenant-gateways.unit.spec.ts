import type { GatewayCircuitState, PaymentGateway } from './payment-gateway.port';
import { GatewayNotConfiguredError, TenantGateways } from './tenant-gateways';

/** A client whose breaker is in a given state; nothing else of it is used here. */
function clientIn(state: GatewayCircuitState): PaymentGateway {
  const refuse = (): never => {
    throw new Error('not called in these tests');
  };
  return { charge: refuse, refund: refuse, findCharge: refuse, circuitState: () => state };
}

describe('TenantGateways', () => {
  describe('when tenants have their own clients', () => {
    it('hands each tenant its own client and refuses a tenant without one', () => {
      const acme = clientIn('closed');
      const globex = clientIn('open');
      const gateways = new TenantGateways(
        new Map([
          ['acme', acme],
          ['globex', globex],
        ]),
      );

      expect(gateways.for('acme')).toBe(acme);
      expect(gateways.for('globex')).toBe(globex);
      expect(() => gateways.for('initech')).toThrow(GatewayNotConfiguredError);
    });
  });

  describe('when the breakers are in different states', () => {
    it.each([
      [['closed', 'closed'], 'closed', 0],
      [['closed', 'half_open'], 'half_open', 1],
      [['half_open', 'open', 'closed'], 'open', 2],
      [['open', 'isolated'], 'isolated', 2],
    ] as const)('reports %j as %s with %d not closed', (states, worst, notClosed) => {
      const gateways = new TenantGateways(
        new Map(states.map((state, i) => [`tenant-${i}`, clientIn(state)])),
      );

      expect(gateways.circuitState()).toBe(worst);
      expect(gateways.notClosed()).toBe(notClosed);
    });
  });
});
