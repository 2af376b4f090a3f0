import {
  currencyCode,
  detailSchemaV1,
  minorUnits,
  text,
  unknownOutcomeSource,
} from './detail-schema.v1';

/** JSON Schema of the `payment.outcome_unknown` detail, version 1. */
export const paymentOutcomeUnknownV1Schema = detailSchemaV1(
  'payment.outcome_unknown',
  'The gateway may have charged but never said so (timeouts, 5xx, network errors after the last attempt). Not a failure: a later `payment.succeeded` or `payment.failed` settles it.',
  {
    required: ['amount', 'currency', 'reason', 'source'],
    properties: {
      amount: minorUnits('The requested amount, in minor units of `currency`.'),
      currency: currencyCode(),
      reason: text('Why the outcome is unknown (`no_definitive_answer` by default).'),
      source: unknownOutcomeSource,
    },
  },
);
