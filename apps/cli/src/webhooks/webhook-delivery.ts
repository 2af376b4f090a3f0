import type { LedgerConfig, ProviderConfig } from '@ledger/config';
import { UsageError } from '@ledger/errors';
import { signFor, type SchemeName } from '@ledger/webhooks';
import { assertKnownTenant, knownList } from '../composition/known-names';

/** What `ledger webhooks send` was asked to do, checked. */
export interface SendRequest {
  provider: string;
  tenant?: string;
  /** Either a file's bytes, sent as they are, or a payload built for an event and a payment. */
  body: { file: string } | { event: string; paymentId: string };
  /** The delivery id every repetition carries (generated when not given). */
  deliveryId?: string;
  repeat: number;
  delayMs: number;
  /** The service's base URL, e.g. http://127.0.0.1:3000. */
  url?: string;
}

/** The options as commander hands them over (strings, all optional). */
export interface SendOptions {
  provider?: string;
  tenant?: string;
  file?: string;
  event?: string;
  payment?: string;
  id?: string;
  repeat?: string;
  delayMs?: string;
  url?: string;
}

/** At most this many sends per command: enough to show dedupe, not a load generator. */
export const MAX_REPEAT = 1_000;
/** At most this long between two sends (10 minutes). */
export const MAX_DELAY_MS = 600_000;

/** Checks the options of `ledger webhooks send`; a mistake is a UsageError naming the option. */
export function parseSendOptions(options: SendOptions): SendRequest {
  if (options.provider === undefined) throw new UsageError('--provider is required');
  const byFile = options.file !== undefined;
  const byEvent = options.event !== undefined || options.payment !== undefined;
  if (byFile === byEvent) {
    throw new UsageError('give either --file <payload.json> or --event <type> --payment <id>');
  }
  if (byEvent && (options.event === undefined || options.payment === undefined)) {
    throw new UsageError('--event and --payment go together');
  }
  const request: SendRequest = {
    provider: options.provider,
    ...(options.tenant !== undefined && { tenant: options.tenant }),
    body:
      options.file !== undefined
        ? { file: options.file }
        : { event: options.event ?? '', paymentId: options.payment ?? '' },
    ...(options.id !== undefined && { deliveryId: nonEmpty('--id', options.id) }),
    repeat: wholeNumber('--repeat', options.repeat, 1, 1, MAX_REPEAT),
    delayMs: wholeNumber('--delay-ms', options.delayMs, 0, 0, MAX_DELAY_MS),
    ...(options.url !== undefined && { url: baseUrl(options.url) }),
  };
  if ('event' in request.body) {
    nonEmpty('--event', request.body.event);
    nonEmpty('--payment', request.body.paymentId);
  }
  return request;
}

/**
 * The provider named `name` in the configuration, of `tenant` when one is given. An unknown
 * provider or tenant is a UsageError listing the known ones.
 */
export function findProvider(config: LedgerConfig, name: string, tenant?: string): ProviderConfig {
  assertKnownTenant(config, tenant);
  const candidates = config.providers.filter((p) => tenant === undefined || p.tenant === tenant);
  const provider = candidates.find((p) => p.name === name);
  if (provider === undefined) {
    const known = candidates.map((p) => `${p.name} (${p.scheme}, tenant ${p.tenant})`);
    throw new UsageError(
      `No provider is named "${name}"${tenant === undefined ? '' : ` for tenant ${tenant}`}; ` +
        `known providers: ${knownList(known)}`,
    );
  }
  return provider;
}

/**
 * A delivery of `event` about the ledger's payment `paymentId`, shaped as the provider's scheme
 * suggests: a Stripe event (the charge or refund in `data.object`, the payment id in its
 * `metadata`) for `stripe`, the sandbox gateway's own shape (`data.paymentId`) otherwise. The
 * payment id is what links the delivery to the payment (docs/webhooks.md).
 */
export function buildPayload(
  scheme: SchemeName,
  event: string,
  paymentId: string,
  deliveryId: string,
  now: Date,
): Record<string, unknown> {
  const created = Math.floor(now.getTime() / 1000);
  if (scheme === 'stripe') {
    const refund = event.startsWith('refund.') || event === 'charge.refunded';
    return {
      id: deliveryId,
      object: 'event',
      type: event,
      created,
      data: {
        object: {
          id: `${refund ? 're' : 'ch'}_${deliveryId}`,
          object: refund ? 'refund' : 'charge',
          metadata: { paymentId },
        },
      },
    };
  }
  return { id: deliveryId, type: event, created, data: { paymentId } };
}

/**
 * The headers of one send: the content type and the scheme's signature over `body` with the
 * provider's first secret, signed at `now`. Every repetition carries the same delivery id.
 */
export function signedHeaders(
  provider: Pick<ProviderConfig, 'scheme' | 'secrets'>,
  body: Buffer,
  deliveryId: string,
  now: Date,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...signFor(provider.scheme, provider.secrets[0], body, { id: deliveryId, timestamp: now }),
  };
}

/**
 * The delivery id the service will see: Stripe and hmac-sha256 take it from the signed body's
 * `id` (the service falls back to the body's SHA-256), the other schemes from the header.
 */
export function deliveryIdSeen(scheme: SchemeName, body: Buffer, headerId: string): string {
  if (scheme !== 'stripe' && scheme !== 'hmac-sha256') return headerId;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const id = (parsed as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && id !== '') return id;
  } catch {
    // Not JSON: the service refuses it; the hash is what it would have used.
  }
  return "the body's SHA-256 (it has no id)";
}

function wholeNumber(
  option: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function nonEmpty(option: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${option} must not be empty`);
  return value;
}

function baseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--url must be the service's base URL, e.g. http://127.0.0.1:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http or https URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}
