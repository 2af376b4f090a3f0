import {
  gatewayBaseUrl,
  reachableHost,
  tenantGateway,
  type LedgerConfig,
  type LedgerEnv,
} from '@ledger/config';
import { HttpPaymentGateway } from './http/http-payment-gateway';
import type { PaymentGateway } from './payment-gateway.port';
import { StripePaymentGateway } from './stripe/stripe-payment-gateway';
import { TenantGateways } from './tenant-gateways';

/**
 * One gateway client per tenant, each for the tenant's own account and with its own circuit
 * breaker, of the adapter its `kind` names. A `sandbox` account with a null `baseUrl` is the
 * sandbox `ledger start` runs (which hosts every account); a `stripe` one is Stripe's own API.
 */
export function createTenantGateways(config: LedgerConfig, env: LedgerEnv): TenantGateways {
  return new TenantGateways(
    new Map(
      config.tenants.map((tenant): [string, PaymentGateway] => {
        const account = tenantGateway(tenant);
        const baseUrl =
          gatewayBaseUrl(account) ?? `http://${reachableHost(env.host)}:${env.sandboxGatewayPort}`;
        switch (account.kind) {
          case 'sandbox':
            return [tenant.id, new HttpPaymentGateway({ baseUrl, apiKey: account.apiKey })];
          case 'stripe':
            return [
              tenant.id,
              new StripePaymentGateway({
                baseUrl,
                apiKey: account.apiKey,
                tenantId: tenant.id,
                ...(account.paymentMethod !== undefined && {
                  paymentMethod: account.paymentMethod,
                }),
              }),
            ];
        }
      }),
    ),
  );
}
