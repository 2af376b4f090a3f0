import {
  currencyCode,
  detailSchemaV1,
  minorUnits,
  text,
  unknownOutcomeSource,
} from './detail-schema.v1';

/** JSON Schema of the `refund.outcome_unknown` detail, version 1. */
export const refundOutcomeUnknownV1Schema = detailSchemaV1(
  'refund.outcome_unknown',
  'The gateway may have refunded but never said so. The amount stays reserved until a later `refund.succeeded` or `refund.failed` settles it.',
  {
    required: ['refundId', 'amount', 'currency', 'reason', 'source'],
    properties: {
      refundId: text('The refund, unique within its payment.'),
      amount: minorUnits('The amount that was asked for, in minor units of `currency`.'),
      currency: currencyCode("The payment's currency (ISO 4217, upper case)."),
      reason: text('Why the outcome is unknown (`no_definitive_answer` by default).'),
      source: unknownOutcomeSource,
    },
  },
);
