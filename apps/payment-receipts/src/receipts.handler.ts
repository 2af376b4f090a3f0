import type { EventBridgeEvent } from 'aws-lambda';
import { RECEIPT_EVENTS, type Receipt } from './receipt';
import type { ReceiptStore } from './receipt-store.port';
import { UnsupportedContractVersionError } from './receipts.errors';

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

export type ReceiptEvent = EventBridgeEvent<string, IntegrationDetail>;

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
    const detail = event.detail;
    if (!(RECEIPT_EVENTS as readonly string[]).includes(event['detail-type'])) return;
    if (detail.schemaVersion !== 1) {
      // A new major version of the contract: fail loudly so the event is retried, not misread.
      throw new UnsupportedContractVersionError(event['detail-type'], detail.schemaVersion);
    }
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
