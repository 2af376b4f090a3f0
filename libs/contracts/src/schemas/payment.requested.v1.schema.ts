import { currencyCode, detailSchemaV1, instant, minorUnits, oneOf, text } from './detail-schema.v1';

/** JSON Schema of the `payment.requested` detail, version 1. */
export const paymentRequestedV1Schema = detailSchemaV1(
  'payment.requested',
  'A payment was opened: the intent to charge, recorded before any gateway call.',
  {
    required: ['amount', 'currency', 'requestedAt'],
    properties: {
      amount: minorUnits('The amount to charge, in minor units of `currency`.'),
      currency: currencyCode(),
      customerId: text("The tenant's customer reference, when one was given."),
      orderId: text("The tenant's order reference, when one was given."),
      requestedAt: instant('When the payment was requested.'),
      mode: oneOf(
        ['async'],
        '`async` when the payment was only accepted (`Prefer: respond-async`, a batch): the ' +
          'charger calls the gateway later, and `gateway.call_attempted` and the outcome follow. ' +
          'Absent: the request itself called the gateway.',
      ),
    },
  },
);
