import type { BusEnvelope } from '@ledger/bus';
import type { IntegrationEvent } from '@ledger/contracts';

export interface EnvelopeOptions {
  /** The envelope's own id; EventBridge gives every delivery a fresh one. */
  id: string;
  /** When it is delivered. */
  time: Date;
  account?: string;
  region?: string;
}

/** The account and region the local bus stamps; a replay in AWS passes the real ones. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/**
 * The envelope EventBridge would hand a rule's target for `event`. The `detail` is the contract
 * detail untouched, so `detail.eventId` is the original event's and subscribers can dedupe on it.
 */
export function toBusEnvelope(event: IntegrationEvent, options: EnvelopeOptions): BusEnvelope {
  return {
    version: '0',
    id: options.id,
    'detail-type': event.detailType,
    source: event.source,
    account: options.account ?? LOCAL_ACCOUNT,
    time: eventBridgeTime(options.time),
    region: options.region ?? LOCAL_REGION,
    resources: [],
    detail: event.detail,
  };
}

/** EventBridge's `time`: ISO-8601 in UTC to the second, e.g. `2026-01-01T00:00:00Z`. */
export function eventBridgeTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
