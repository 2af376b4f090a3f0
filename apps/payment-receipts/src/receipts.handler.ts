import type { EventBridgeEvent } from 'aws-lambda';
import { validateIntegrationEvent } from '@ledger/contracts';
import { RECEIPT_EVENTS, type Receipt } from './receipt';
import type { ReceiptStore } from './receipt-store.port';
import { MalformedIntegrationEventError, UnsupportedContractVersionError } from './receipts.errors';

/** The published envelope's detail, as far as this subscriber reads it. */
interface IntegrationDetail {
  eventId: string;
  occurredAt: string;
  tenantId: string;
  paymentId: string;
  streamVersion: number;
  schemaVersion: number;
  replay: boolean;
  data: { amount?: number; currency?: string };
}

/** What EventBridge delivers: the detail is checked against the published contract before use. */
export type ReceiptEvent = EventBridgeEvent<string, unknown>;

export interface ReceiptsHandlerOptions {
  clock?: () => Date;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

/**
 * The example subscriber: issues a receipt for each payment outcome and refund. It dedupes on the
 * integration event's `eventId` (never on EventBridge's envelope id, which differs per delivery),
 * checks the contract version it understands, and ignores what it did not subscribe to.
 */
export function createReceiptsHandler(
  store: ReceiptStore,
  options: ReceiptsHandlerOptions = {},
): (event: ReceiptEvent) => Promise<void> {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? (() => undefined);
  let received = 0;
  return async (event) => {
    if (!(RECEIPT_EVENTS as readonly string[]).includes(event['detail-type'])) return;
    const detail = decodeDetail(event);
    const receipt: Receipt = {
      eventId: detail.eventId,
      detailType: event['detail-type'],
      tenantId: detail.tenantId,
      paymentId: detail.paymentId,
      streamVersion: detail.streamVersion,
      occurredAt: detail.occurredAt,
      ...(detail.data.amount !== undefined && { amount: detail.data.amount }),
      ...(detail.data.currency !== undefined && { currency: detail.data.currency }),
      receivedAt: clock().toISOString(),
      receivedSequence: ++received,
      replay: detail.replay,
    };
    const issued = await store.addOnce(receipt);
    log(issued ? 'receipt issued' : 'duplicate delivery skipped', {
      eventId: receipt.eventId,
      detailType: receipt.detailType,
      paymentId: receipt.paymentId,
      streamVersion: receipt.streamVersion,
    });
  };
}

/**
 * The detail as this subscriber reads it, once it is known to keep the published v1 contract
 * (undocumented members tolerated, as a consumer of a growing contract should).
 */
function decodeDetail(event: ReceiptEvent): IntegrationDetail {
  const schemaVersion = (event.detail as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (schemaVersion !== 1) {
    // A new major version of the contract: fail loudly so the event is retried, not misread.
    throw new UnsupportedContractVersionError(event['detail-type'], schemaVersion);
  }
  const checked = validateIntegrationEvent(
    { source: event.source, detailType: event['detail-type'], detail: event.detail },
    { undocumentedFields: 'allow' },
  );
  if (!checked.valid) {
    throw new MalformedIntegrationEventError(event['detail-type'], event.id, checked.errors);
  }
  return event.detail as IntegrationDetail;
}
