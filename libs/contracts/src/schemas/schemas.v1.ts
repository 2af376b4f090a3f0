import type { DetailType } from '../events/integration-events.v1';
import { gatewayCallAttemptedV1Schema } from './gateway.call_attempted.v1.schema';
import type { JsonSchema } from './json-schema';
import { paymentFailedV1Schema } from './payment.failed.v1.schema';
import { paymentOutcomeContradictedV1Schema } from './payment.outcome_contradicted.v1.schema';
import { paymentOutcomeUnknownV1Schema } from './payment.outcome_unknown.v1.schema';
import { paymentRequestedV1Schema } from './payment.requested.v1.schema';
import { paymentSucceededV1Schema } from './payment.succeeded.v1.schema';
import { refundFailedV1Schema } from './refund.failed.v1.schema';
import { refundOutcomeUnknownV1Schema } from './refund.outcome_unknown.v1.schema';
import { refundRequestedV1Schema } from './refund.requested.v1.schema';
import { refundSucceededV1Schema } from './refund.succeeded.v1.schema';
import { webhookReceivedV1Schema } from './webhook.received.v1.schema';

/** The v1 JSON Schema of each detail-type's `Detail`. */
export const INTEGRATION_EVENT_SCHEMAS_V1: Readonly<Record<DetailType, JsonSchema>> = {
  'payment.requested': paymentRequestedV1Schema,
  'payment.succeeded': paymentSucceededV1Schema,
  'payment.failed': paymentFailedV1Schema,
  'payment.outcome_unknown': paymentOutcomeUnknownV1Schema,
  'payment.outcome_contradicted': paymentOutcomeContradictedV1Schema,
  'refund.requested': refundRequestedV1Schema,
  'refund.succeeded': refundSucceededV1Schema,
  'refund.failed': refundFailedV1Schema,
  'refund.outcome_unknown': refundOutcomeUnknownV1Schema,
  'webhook.received': webhookReceivedV1Schema,
  'gateway.call_attempted': gatewayCallAttemptedV1Schema,
};
