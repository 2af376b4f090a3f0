import { createHash } from 'node:crypto';
import {
  check,
  conforms,
  EventUndecodableError,
  type DataChecks,
  type RecordedEvent,
} from '@ledger/ledger';

/** A verified inbound delivery, stored verbatim: version 1 of the delivery's own stream. */
export const WEBHOOK_RECEIVED = 'WebhookReceived';
/** A delivery refused at the door, kept for audit without its unverified body. */
export const WEBHOOK_REJECTED = 'WebhookRejected';
/** How many rejections were only counted because they came faster than the audit rate. */
export const WEBHOOK_REJECTIONS_SUPPRESSED = 'WebhookRejectionsSuppressed';

/** The members of a `WebhookReceived` event's data. */
export type WebhookReceivedFields = {
  provider: string;
  scheme: string;
  deliveryId: string;
  /** Where the delivery id came from: the scheme's header or payload field, or the body hash. */
  deliveryIdSource: 'scheme' | 'payload' | 'body_hash';
  /** The exact bytes received. */
  body: Uint8Array;
  bodySha256: string;
  bodyBytes: number;
  contentType: string;
  /** Request headers as received, less credentials (see `storedHeaders`). */
  headers: Record<string, string>;
  /** The sender's signed send time, when the scheme signs one. */
  signedAt?: string;
  receivedAt: string;
  sourceIp: string;
};

export interface WebhookReceivedData extends WebhookReceivedFields {
  [key: string]: unknown;
}

/** Members a reader gets but the event does not store: each follows from the body or headers. */
type DerivedMember = 'bodySha256' | 'bodyBytes' | 'contentType';

/**
 * A `WebhookReceived` event's data as stored: without the members that repeat the body or the
 * headers (each costs bytes in the item, and a write unit once the item crosses a KB). Deliveries
 * stored before still carry them; either way `decodeWebhookReceived` gives every member.
 */
export type StoredWebhookReceivedData = Omit<WebhookReceivedFields, DerivedMember> &
  Partial<Pick<WebhookReceivedFields, DerivedMember>> & { [key: string]: unknown };

const webhookReceivedChecks: DataChecks<
  Omit<WebhookReceivedFields, DerivedMember> & Partial<Pick<WebhookReceivedFields, DerivedMember>>
> = {
  provider: check.string,
  scheme: check.string,
  deliveryId: check.string,
  deliveryIdSource: check.oneOf<WebhookReceivedFields['deliveryIdSource']>({
    scheme: true,
    payload: true,
    body_hash: true,
  }),
  body: check.bytes,
  bodySha256: check.optional(check.string),
  bodyBytes: check.optional(check.number),
  contentType: check.optional(check.string),
  headers: check.recordOf(check.string),
  signedAt: check.optional(check.string),
  receivedAt: check.string,
  sourceIp: check.string,
};

/**
 * The data of a stored `WebhookReceived` event, checked against its declared members, or
 * `EventUndecodableError` naming what is wrong.
 */
export function decodeWebhookReceived(delivery: RecordedEvent): WebhookReceivedData {
  const { data } = delivery;
  const problems: string[] = [];
  if (delivery.type !== WEBHOOK_RECEIVED) problems.push(`type must be ${WEBHOOK_RECEIVED}`);
  if (conforms(webhookReceivedChecks, data, 'data', problems) && problems.length === 0) {
    return {
      ...data,
      bodySha256: data.bodySha256 ?? sha256Hex(data.body),
      bodyBytes: data.bodyBytes ?? data.body.byteLength,
      contentType: data.contentType ?? data.headers['content-type'] ?? '',
    };
  }
  throw new EventUndecodableError(delivery, problems);
}

/** The SHA-256 of a body, in hex: what `bodySha256` holds. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export type RejectionReason =
  | 'unknown_provider'
  | 'missing_signature_headers'
  | 'invalid_signature'
  | 'timestamp_out_of_tolerance'
  | 'malformed_payload'
  | 'payload_too_large'
  | 'unsupported_media_type';

export interface WebhookRejectedData {
  [key: string]: unknown;
  provider: string;
  reason: RejectionReason;
  detail: string;
  headerNames: string[];
  /** SHA-256 of the body; absent when the body was not read (too large). */
  bodySha256?: string;
  bodyBytes: number;
  sourceIp: string;
  receivedAt: string;
}

export interface WebhookRejectionsSuppressedData {
  [key: string]: unknown;
  count: number;
  byReason: Record<string, number>;
  byProvider: Record<string, number>;
  from: string;
  to: string;
}

/** Tenant segment for rejections that cannot be attributed (unknown provider). */
export const UNATTRIBUTED_TENANT = '_';

export function deliveryStreamId(tenantId: string, provider: string, deliveryId: string): string {
  return `${tenantId}#delivery#${provider}#${deliveryId}`;
}

export function rejectionStreamId(tenantId: string, id: string): string {
  return `${tenantId}#webhook-rejection#${id}`;
}

export function isDeliveryStream(streamId: string): boolean {
  return streamId.includes('#delivery#');
}
