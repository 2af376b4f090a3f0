export * from './payment-gateway.port';
export { GatewayNotConfiguredError, TenantGateways } from './tenant-gateways';
export { createTenantGateways } from './tenant-gateways.factory';
export { GatewayClientClosedError, InvalidGatewayOptionsError } from './gateway.errors';
export {
  GATEWAY_CLIENT_USER_AGENT,
  HttpPaymentGateway,
  type HttpPaymentGatewayOptions,
} from './http/http-payment-gateway';
export {
  DEFAULT_RESILIENCE_OPTIONS,
  type ResilienceOptions,
  resolveResilienceOptions,
} from './http/resilience.policy';
export { parseRetryAfter } from './http/retry-after';
export {
  STRIPE_DEFAULT_BASE_URL,
  STRIPE_TEST_PAYMENT_METHOD,
  StripePaymentGateway,
  type StripePaymentGatewayOptions,
} from './stripe/stripe-payment-gateway';
