import { currencyCode, detailSchemaV1, minorUnits, outcomeSource, text } from './detail-schema.v1';

/** JSON Schema of the `refund.failed` detail, version 1. */
export const refundFailedV1Schema = detailSchemaV1(
  'refund.failed',
  'The gateway definitively refused the refund. No money moved; its amount is refundable again.',
  {
    required: ['refundId', 'amount', 'currency', 'reason', 'source'],
    properties: {
      refundId: text('The refund, unique within its payment.'),
      amount: minorUnits('The amount that was asked for, in minor units of `currency`.'),
      currency: currencyCode("The payment's currency (ISO 4217, upper case)."),
      reason: text('Why it failed (`refund_failed` by default).'),
      source: outcomeSource,
    },
  },
);
