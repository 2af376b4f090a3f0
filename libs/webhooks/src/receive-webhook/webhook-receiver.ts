import { createHash } from 'node:crypto';
import { LedgerError } from '@ledger/errors';
import type { EventStore } from '@ledger/event-store';
import type { DeliveryStats } from './delivery-stats.port';
import type { ProviderRegistry, RegisteredProvider } from './provider-registry';
import type { RejectionRecorder } from './rejection-recorder';
import { MalformedPayloadError, UnknownProviderError } from './webhook.errors';
import {
  WEBHOOK_RECEIVED,
  deliveryStreamId,
  sha256Hex,
  type RejectionReason,
  type StoredWebhookReceivedData,
} from './webhook.events';

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface InboundDelivery {
  provider: string;
  rawBody: Buffer;
  /** Lower-cased header names, as Node delivers them. */
  headers: HeaderBag;
  sourceIp: string;
  correlationId?: string;
}

export interface ReceiveResult {
  received: true;
  duplicate: boolean;
  eventId: string;
}

/** Credentials that may ride along on a request and must never be stored. */
const UNSTORED_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-api-key']);
const SAFE_DELIVERY_ID = /^[A-Za-z0-9._:-]{1,200}$/;

const sha256 = (bytes: Buffer): string => sha256Hex(bytes);

/**
 * Receives one inbound webhook: verify the signature over the exact bytes, then record the
 * delivery with one conditional write (the delivery is its own stream, its event version 1), which
 * is also the exact dedupe. Every refusal is recorded by the rejection recorder.
 */
export class WebhookReceiver {
  constructor(
    private readonly store: EventStore,
    private readonly providers: ProviderRegistry,
    private readonly stats: DeliveryStats,
    private readonly rejections: RejectionRecorder,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async receive(delivery: InboundDelivery): Promise<ReceiveResult> {
    const receivedAt = this.clock().toISOString();
    const provider = this.providers.find(delivery.provider);
    if (provider === undefined) {
      const error = new UnknownProviderError(delivery.provider);
      this.reject(undefined, delivery, 'unknown_provider', error.message, receivedAt);
      throw error;
    }
    let verified;
    let payload: Record<string, unknown>;
    try {
      verified = provider.verifier.verify({ rawBody: delivery.rawBody, headers: delivery.headers });
      payload = parseObject(delivery.rawBody);
    } catch (error) {
      if (error instanceof LedgerError) {
        this.reject(provider, delivery, error.code as RejectionReason, error.message, receivedAt);
      }
      throw error;
    }

    // Hashed only when needed: for the delivery id of a body that names none, or a repeat.
    let hashed: string | undefined;
    const bodySha256 = (): string => (hashed ??= sha256(delivery.rawBody));
    const { deliveryId, source } = resolveDeliveryId(verified.deliveryId, payload, bodySha256);
    const streamId = deliveryStreamId(provider.tenant, provider.name, deliveryId);
    // The body's hash and length and its content type are not stored: they follow from the body
    // and the headers (decodeWebhookReceived gives them back).
    const data: StoredWebhookReceivedData = {
      provider: provider.name,
      scheme: provider.scheme,
      deliveryId,
      deliveryIdSource: source,
      body: delivery.rawBody,
      headers: storedHeaders(delivery.headers),
      ...(verified.timestamp && { signedAt: verified.timestamp.toISOString() }),
      receivedAt,
      sourceIp: delivery.sourceIp,
    };
    const outcome = await this.store.startStream(streamId, {
      type: WEBHOOK_RECEIVED,
      data,
      metadata: {
        tenantId: provider.tenant,
        correlationId: delivery.correlationId,
        source: 'webhook',
        actor: `provider:${provider.name}`,
      },
    });
    if (outcome.created)
      return { received: true, duplicate: false, eventId: outcome.event.eventId };

    const sameBody = storedBodySha256(outcome.existing.data) === bodySha256();
    await this.stats.recordRepeat(streamId, receivedAt, sameBody);
    return { received: true, duplicate: true, eventId: outcome.existing.eventId };
  }

  /**
   * Records a delivery refused before its body was read (too large, wrong media type); the
   * HTTP layer answers it.
   */
  rejectUnread(
    delivery: Omit<InboundDelivery, 'rawBody'>,
    reason: 'payload_too_large' | 'unsupported_media_type',
    detail: string,
  ): void {
    const provider = this.providers.find(delivery.provider);
    const declared = Number(headerValue(delivery.headers['content-length']) ?? 0);
    this.rejections.record(provider?.tenant, {
      provider: delivery.provider,
      reason,
      detail,
      headerNames: Object.keys(delivery.headers).sort(),
      bodyBytes: Number.isFinite(declared) ? declared : 0,
      sourceIp: delivery.sourceIp,
      receivedAt: this.clock().toISOString(),
    });
  }

  private reject(
    provider: RegisteredProvider | undefined,
    delivery: InboundDelivery,
    reason: RejectionReason,
    detail: string,
    receivedAt: string,
  ): void {
    this.rejections.record(provider?.tenant, {
      provider: delivery.provider,
      reason,
      detail,
      headerNames: Object.keys(delivery.headers).sort(),
      bodySha256: sha256(delivery.rawBody),
      bodyBytes: delivery.rawBody.length,
      sourceIp: delivery.sourceIp,
      receivedAt,
    });
  }
}

function parseObject(rawBody: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new MalformedPayloadError('The body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new MalformedPayloadError('The body is not a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/**
 * The scheme's delivery id, else the payload's `id`, else the body's hash (an identical body is
 * then the same delivery). An id unfit for a stream key is replaced by its hash.
 */
function resolveDeliveryId(
  fromScheme: string | undefined,
  payload: Record<string, unknown>,
  bodySha256: () => string,
): { deliveryId: string; source: StoredWebhookReceivedData['deliveryIdSource'] } {
  const candidate =
    fromScheme !== undefined
      ? { id: fromScheme, source: 'scheme' as const }
      : typeof payload.id === 'string' && payload.id !== ''
        ? { id: payload.id, source: 'payload' as const }
        : undefined;
  if (candidate === undefined) return { deliveryId: `sha256:${bodySha256()}`, source: 'body_hash' };
  const deliveryId = SAFE_DELIVERY_ID.test(candidate.id)
    ? candidate.id
    : `sha256:${createHash('sha256').update(candidate.id).digest('hex')}`;
  return { deliveryId, source: candidate.source };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function storedHeaders(headers: HeaderBag): Record<string, string> {
  const stored: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = headerValue(value);
    if (text !== undefined && !UNSTORED_HEADERS.has(name)) stored[name] = text;
  }
  return stored;
}

/** The stored delivery's body hash: stored by earlier releases, computed from the body since. */
function storedBodySha256(data: Record<string, unknown>): string | undefined {
  if (typeof data.bodySha256 === 'string') return data.bodySha256;
  return data.body instanceof Uint8Array ? sha256Hex(data.body) : undefined;
}
