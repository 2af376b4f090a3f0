/** A verified inbound delivery, stored verbatim: version 1 of the delivery's own stream. */
export const WEBHOOK_RECEIVED = 'WebhookReceived';
/** A delivery refused at the door, kept for audit without its unverified body. */
export const WEBHOOK_REJECTED = 'WebhookRejected';
/** How many rejections were only counted because they came faster than the audit rate. */
export const WEBHOOK_REJECTIONS_SUPPRESSED = 'WebhookRejectionsSuppressed';

export interface WebhookReceivedData {
  [key: string]: unknown;
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
