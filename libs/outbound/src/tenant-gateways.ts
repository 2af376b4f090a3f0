import { LedgerError } from '@ledger/errors';
import type { GatewayCircuitState, PaymentGateway } from './payment-gateway.port';

/** A tenant has no gateway account configured; nothing was sent. */
export class GatewayNotConfiguredError extends LedgerError {
  readonly code = 'gateway_not_configured';
  readonly status = 503;

  constructor() {
    super('No payment gateway account is configured for this tenant');
  }
}

/** Worst last: the order in which a breaker state is worse for the service as a whole. */
const SEVERITY: readonly GatewayCircuitState[] = ['closed', 'half_open', 'open', 'isolated'];

/**
 * One gateway client per tenant, each with its own account and its own circuit breaker, so one
 * tenant's failing account never opens another tenant's breaker.
 */
export class TenantGateways {
  constructor(private readonly byTenant: ReadonlyMap<string, PaymentGateway>) {}

  /** The tenant's gateway client; GatewayNotConfiguredError for a tenant without one. */
  for(tenantId: string): PaymentGateway {
    const gateway = this.byTenant.get(tenantId);
    if (gateway === undefined) throw new GatewayNotConfiguredError();
    return gateway;
  }

  /** The worst breaker state over every tenant's client (`closed` with no client at all). */
  circuitState(): GatewayCircuitState {
    let worst: GatewayCircuitState = 'closed';
    for (const gateway of this.byTenant.values()) {
      const state = gateway.circuitState();
      if (SEVERITY.indexOf(state) > SEVERITY.indexOf(worst)) worst = state;
    }
    return worst;
  }

  /** Each tenant's breaker state, by tenant id (the console's operations page). */
  circuitStates(): Map<string, GatewayCircuitState> {
    return new Map(
      [...this.byTenant].map(([tenantId, gateway]) => [tenantId, gateway.circuitState()]),
    );
  }

  /** How many tenants' breakers are not closed (no tenant is named: /health is public). */
  notClosed(): number {
    return [...this.byTenant.values()].filter((g) => g.circuitState() !== 'closed').length;
  }
}
