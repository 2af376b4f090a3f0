export { startSandboxGateway } from './sandbox-gateway.server';
export { DEFAULT_FAULTS } from './faults';
export { DEFAULT_WEBHOOK_RETRY, type WebhookEvent, type WebhookEventType } from './webhook-sender';
export { outcomeForAmount, type ChargeOutcome, type DeclineCode } from './test-amounts';
export { DEFAULT_SANDBOX_GATEWAY_PORT, sandboxGatewayOptionsFromEnv } from './sandbox-gateway.env';
export type {
  RunningSandboxGateway,
  SandboxAccountOptions,
  SandboxFaults,
  SandboxGatewayOptions,
  SandboxStats,
  SandboxWebhookOptions,
  SandboxWebhookRetryOptions,
  ScriptedResponse,
} from './sandbox-gateway.types';
