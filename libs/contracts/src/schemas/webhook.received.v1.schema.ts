import { detailSchemaV1, instant, oneOf, text } from './detail-schema.v1';

/** JSON Schema of the `webhook.received` detail, version 1. */
export const webhookReceivedV1Schema = detailSchemaV1(
  'webhook.received',
  "A provider's verified webhook delivery was linked to the payment. Says what the delivery did, never what it contained: no body, no headers.",
  {
    required: ['provider', 'providerEventType', 'deliveryId', 'effect', 'receivedAt'],
    properties: {
      provider: text('The provider that sent the delivery, as configured in the ledger.'),
      providerEventType: text("The provider's own event type, e.g. `charge.succeeded`."),
      deliveryId: text("The provider's delivery id: the same on the provider's retries."),
      effect: oneOf(
        ['applied', 'no_change', 'unhandled', 'conflict'],
        'What it did: `applied` (a state event follows), `no_change` (already known), `unhandled` (an event type the ledger does not act on), `conflict` (contradicts what the ledger knows; worth a look).',
      ),
      receivedAt: instant('When the ledger received the delivery.'),
    },
  },
);
