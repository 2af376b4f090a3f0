import { currencyCode, detailSchemaV1, minorUnits, outcomeSource, text } from './detail-schema.v1';

/** JSON Schema of the `payment.failed` detail, version 1. */
export const paymentFailedV1Schema = detailSchemaV1(
  'payment.failed',
  'The charge definitively failed: the gateway declined it, or the call was refused before anything was sent. No money moved.',
  {
    required: ['amount', 'currency', 'reason', 'source'],
    properties: {
      amount: minorUnits('The requested amount, in minor units of `currency`.'),
      currency: currencyCode(),
      reason: text('Why it failed, as the gateway or the ledger put it (`declined` by default).'),
      declineCode: text("The gateway's decline code, when it gave one."),
      source: outcomeSource,
    },
  },
);
