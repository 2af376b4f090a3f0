import { currencyCode, detailSchemaV1, instant, minorUnits, oneOf, text } from './detail-schema.v1';

/** JSON Schema of the `refund.requested` detail, version 1. */
export const refundRequestedV1Schema = detailSchemaV1(
  'refund.requested',
  'A refund was accepted (it fits the refundable balance) and is about to be sent to the gateway.',
  {
    required: ['refundId', 'amount', 'currency', 'requestedAt'],
    properties: {
      refundId: text('The refund, unique within its payment.'),
      amount: minorUnits('The amount to refund, in minor units of `currency`.'),
      currency: currencyCode("The payment's currency (ISO 4217, upper case)."),
      reason: text('Why the refund was asked for, when the caller said.'),
      requestedAt: instant('When the refund was requested.'),
      mode: oneOf(
        ['async'],
        '`async` when the refund was only accepted (`Prefer: respond-async`): the charger sends ' +
          'it later. Absent: the request itself sent it.',
      ),
    },
  },
);
