import {
  currencyCode,
  detailSchemaV1,
  minorUnits,
  oneOf,
  outcomeSource,
  paymentStatus,
  text,
} from './detail-schema.v1';

/** JSON Schema of the `payment.outcome_contradicted` detail, version 1. */
export const paymentOutcomeContradictedV1Schema = detailSchemaV1(
  'payment.outcome_contradicted',
  "The gateway reported an outcome that contradicts the one the ledger recorded (e.g. a webhook says the charge succeeded while the payment is failed). The payment's status is not changed; the contradiction stays on the payment until someone settles it.",
  {
    required: ['amount', 'currency', 'reported', 'recordedStatus', 'conflict', 'source'],
    properties: {
      amount: minorUnits('The requested amount, in minor units of `currency`.'),
      currency: currencyCode(),
      reported: oneOf(
        ['payment_succeeded', 'payment_failed', 'refund_succeeded', 'refund_failed'],
        'What the gateway reported.',
      ),
      recordedStatus: paymentStatus(
        'The payment status the ledger had recorded when the report arrived.',
      ),
      conflict: text(
        'Why the report could not be applied, e.g. `payment_failed_at_ledger`, `amount_or_currency_mismatch`, `refund_exceeds_balance`.',
      ),
      source: outcomeSource,
      gatewayTransactionId: text("The gateway's transaction id in the report, when it had one."),
      refundId: text('The refund the report is about, for a refund outcome.'),
      reportedAmount: minorUnits('The amount the report carried, when it carried one.'),
      reportedCurrency: currencyCode('The currency the report carried, when it carried one.'),
    },
  },
);
