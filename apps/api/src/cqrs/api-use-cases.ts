import {
  ReconcilePayment,
  RequestPayment,
  RequestPaymentBatch,
  RequestRefund,
  type ReconcilePaymentHandler,
  type RequestPaymentBatchHandler,
  type RequestPaymentHandler,
  type RequestRefundHandler,
} from '@ledger/payments';
import {
  GetPayment,
  GetPaymentHistory,
  ListPayments,
  type GetPaymentHandler,
  type GetPaymentHistoryHandler,
  type ListPaymentsHandler,
} from '@ledger/projections';
import {
  GetReplayJob,
  ListReplayJobs,
  StartReplay,
  type GetReplayJobHandler,
  type ListReplayJobsHandler,
  type StartReplayHandler,
} from '@ledger/replay';
import { ReceiveWebhook, type ReceiveWebhookHandler } from '@ledger/webhooks';
import { commandHandler, queryHandler, type UseCaseBinding } from './use-case-bindings';

/** The API's use cases: one handler each, built by the composition root on its ports. */
export interface ApiHandlers {
  requestPayment: RequestPaymentHandler;
  requestPaymentBatch: RequestPaymentBatchHandler;
  requestRefund: RequestRefundHandler;
  reconcilePayment: ReconcilePaymentHandler;
  receiveWebhook: ReceiveWebhookHandler;
  startReplay: StartReplayHandler;
  getPayment: GetPaymentHandler;
  getPaymentHistory: GetPaymentHistoryHandler;
  listPayments: ListPaymentsHandler;
  getReplayJob: GetReplayJobHandler;
  listReplayJobs: ListReplayJobsHandler;
}

/** Which handler each command and query the controllers dispatch goes to. */
export function apiUseCases(handlers: ApiHandlers): UseCaseBinding[] {
  return [
    commandHandler(RequestPayment, handlers.requestPayment),
    commandHandler(RequestPaymentBatch, handlers.requestPaymentBatch),
    commandHandler(RequestRefund, handlers.requestRefund),
    commandHandler(ReconcilePayment, handlers.reconcilePayment),
    commandHandler(ReceiveWebhook, handlers.receiveWebhook),
    commandHandler(StartReplay, handlers.startReplay),
    queryHandler(GetPayment, handlers.getPayment),
    queryHandler(GetPaymentHistory, handlers.getPaymentHistory),
    queryHandler(ListPayments, handlers.listPayments),
    queryHandler(GetReplayJob, handlers.getReplayJob),
    queryHandler(ListReplayJobs, handlers.listReplayJobs),
  ];
}
