import { refundableBalance } from '@ledger/ledger';
import type { PaymentDocument } from '../payment-view/payment-view.projection';

/** A payment as the API shows it. */
export interface PaymentView {
  paymentId: string;
  status: string;
  amount: number;
  currency: string;
  customerId?: string;
  orderId?: string;
  description?: string;
  capturedAmount: number;
  refundedAmount: number;
  refundableAmount: number;
  gatewayTransactionId?: string;
  statusReason?: string;
  declineCode?: string;
  attempts: number;
  lastError?: { outcome: string; httpStatus?: number; at: string };
  webhookDeliveries: number;
  /** The gateway's reports that contradict the recorded outcome (empty when none). */
  contradictions: Array<{
    reported: string;
    recordedStatus: string;
    conflict: string;
    source: string;
    gatewayTransactionId?: string;
    refundId?: string;
    amount?: number;
    currency?: string;
    at: string;
  }>;
  refunds: Array<{
    refundId: string;
    amount: number;
    status: string;
    reason?: string;
    statusReason?: string;
  }>;
  createdAt: string;
  updatedAt: string;
  /** The payment stream version this view reflects. */
  version: number;
}

/** The read model's document as the API shows it. */
export function toPaymentView(document: PaymentDocument): PaymentView {
  const { state } = document;
  return {
    paymentId: document.paymentId,
    status: state.status ?? 'requested',
    amount: state.amount,
    currency: state.currency ?? '',
    ...(state.customerId !== undefined && { customerId: state.customerId }),
    ...(state.orderId !== undefined && { orderId: state.orderId }),
    ...(state.description !== undefined && { description: state.description }),
    capturedAmount: state.capturedAmount,
    refundedAmount: state.refundedAmount,
    refundableAmount: refundableBalance(state),
    ...(state.gatewayTransactionId !== undefined && {
      gatewayTransactionId: state.gatewayTransactionId,
    }),
    ...(state.statusReason !== undefined && { statusReason: state.statusReason }),
    ...(state.declineCode !== undefined && { declineCode: state.declineCode }),
    attempts: state.attempts,
    ...(state.lastError !== undefined && { lastError: state.lastError }),
    webhookDeliveries: state.linkedDeliveries.length,
    // The delivery's event id stays internal; the history shows the delivery itself.
    contradictions: (state.contradictions ?? []).map(({ deliveryEventId: _internal, ...c }) => c),
    refunds: Object.entries(state.refunds).map(([refundId, refund]) => ({
      refundId,
      amount: refund.amount,
      status: refund.status,
      ...(refund.reason !== undefined && { reason: refund.reason }),
      ...(refund.statusReason !== undefined && { statusReason: refund.statusReason }),
    })),
    createdAt: state.createdAt ?? '',
    updatedAt: state.updatedAt ?? '',
    version: document.version,
  };
}
