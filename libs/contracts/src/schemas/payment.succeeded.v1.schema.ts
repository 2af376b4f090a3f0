import { currencyCode, detailSchemaV1, minorUnits, outcomeSource, text } from './detail-schema.v1';

/** JSON Schema of the `payment.succeeded` detail, version 1. */
export const paymentSucceededV1Schema = detailSchemaV1(
  'payment.succeeded',
  'The gateway captured the payment. The first definitive outcome of a charge; sent once.',
  {
    required: ['amount', 'currency', 'capturedAmount', 'source'],
    properties: {
      amount: minorUnits('The requested amount, in minor units of `currency`.'),
      currency: currencyCode(),
      capturedAmount: minorUnits(
        'What the gateway captured, in minor units; may be less than `amount`, never more.',
      ),
      gatewayTransactionId: text("The gateway's id of the charge, when it gave one."),
      source: outcomeSource,
    },
  },
);
