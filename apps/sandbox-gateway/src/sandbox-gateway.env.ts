import { DEFAULT_FAULTS, mergeFaults } from './faults';
import type { SandboxFaults, SandboxGatewayOptions } from './sandbox-gateway.types';

/** The port of API.md's contract. */
export const DEFAULT_SANDBOX_GATEWAY_PORT = 4020;

// The placeholders of the committed ledger.config.yaml, so a standalone sandbox and a local
// ledger agree without any setup. Local-only values, not secrets.
const LOCAL_API_KEY = 'sandbox-key-local-only';
const LOCAL_WEBHOOK_SECRET = 'whsec_bG9jYWwtZGV2LW9ubHktbm90LWEtcmVhbC1zZWNyZXQ=';
// The committed `stripe-test` provider's, for webhooks signed the Stripe way.
const LOCAL_STRIPE_WEBHOOK_SECRET = 'whsec_local_dev_only_not_a_real_secret';

/**
 * Sandbox options from the environment: SANDBOX_GATEWAY_PORT (4020), SANDBOX_GATEWAY_HOST
 * (127.0.0.1), SANDBOX_API_KEY, SANDBOX_WEBHOOK_URL (no webhooks when unset),
 * SANDBOX_WEBHOOK_SCHEME (`standard-webhooks`, or `stripe` for the Stripe mode's events),
 * SANDBOX_WEBHOOK_SECRET and SANDBOX_FAULTS (JSON of SandboxFaults). Throws on invalid values.
 */
export function sandboxGatewayOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): SandboxGatewayOptions {
  const port = Number(env.SANDBOX_GATEWAY_PORT ?? DEFAULT_SANDBOX_GATEWAY_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(
      `SANDBOX_GATEWAY_PORT must be a port number, not ${env.SANDBOX_GATEWAY_PORT}`,
    );
  }
  const webhookUrl = nonEmpty(env.SANDBOX_WEBHOOK_URL);
  if (webhookUrl !== undefined && !/^https?:$/.test(parseUrl(webhookUrl).protocol)) {
    throw new RangeError('SANDBOX_WEBHOOK_URL must be an http(s) URL');
  }
  const scheme = nonEmpty(env.SANDBOX_WEBHOOK_SCHEME) ?? 'standard-webhooks';
  if (scheme !== 'standard-webhooks' && scheme !== 'stripe') {
    throw new RangeError('SANDBOX_WEBHOOK_SCHEME must be standard-webhooks or stripe');
  }
  return {
    port,
    host: nonEmpty(env.SANDBOX_GATEWAY_HOST) ?? '127.0.0.1',
    apiKey: nonEmpty(env.SANDBOX_API_KEY) ?? LOCAL_API_KEY,
    ...(webhookUrl !== undefined && {
      webhook: {
        url: webhookUrl,
        secret:
          nonEmpty(env.SANDBOX_WEBHOOK_SECRET) ??
          (scheme === 'stripe' ? LOCAL_STRIPE_WEBHOOK_SECRET : LOCAL_WEBHOOK_SECRET),
        scheme,
      },
    }),
    ...(nonEmpty(env.SANDBOX_FAULTS) !== undefined && {
      faults: parseFaults(env.SANDBOX_FAULTS as string),
    }),
  };
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

function parseUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new RangeError(`SANDBOX_WEBHOOK_URL is not a URL: ${value}`);
  }
}

function parseFaults(json: string): Partial<SandboxFaults> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new RangeError('SANDBOX_FAULTS must be JSON, e.g. {"duplicateWebhookRate":0.1}');
  }
  // Validated now, so a typo fails at start rather than being silently ignored.
  mergeFaults(DEFAULT_FAULTS, parsed);
  return parsed as Partial<SandboxFaults>;
}
