import {
  currencyCode,
  detailSchemaV1,
  minorUnits,
  oneOf,
  outcomeSource,
  text,
} from './detail-schema.v1';

/** JSON Schema of the `refund.succeeded` detail, version 1. */
export const refundSucceededV1Schema = detailSchemaV1(
  'refund.succeeded',
  "The gateway refunded. Carries the payment's balances after the refund, so a consumer needs no second lookup.",
  {
    required: [
      'refundId',
      'amount',
      'currency',
      'source',
      'capturedAmount',
      'refundedAmount',
      'paymentStatus',
    ],
    properties: {
      refundId: text(
        'The refund, unique within its payment (`wh_<deliveryId>` for a refund only a webhook reported).',
      ),
      amount: minorUnits('What was refunded, in minor units of `currency`.'),
      currency: currencyCode("The payment's currency (ISO 4217, upper case)."),
      gatewayRefundId: text("The gateway's id of the refund, when it gave one."),
      source: outcomeSource,
      capturedAmount: minorUnits('What the payment captured, in minor units.'),
      refundedAmount: minorUnits(
        'Sum of all succeeded refunds of the payment, this one included, in minor units.',
      ),
      paymentStatus: oneOf(
        [
          'requested',
          'processing',
          'succeeded',
          'failed',
          'outcome_unknown',
          'partially_refunded',
          'refunded',
        ],
        "The payment's status after the refund: `partially_refunded` or `refunded`.",
      ),
    },
  },
);
