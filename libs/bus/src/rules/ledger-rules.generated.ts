// Generated from template.yaml by `npm run rules:generate`; a unit spec fails when it drifts.
import type { BusRule } from './bus-rule';

export const LEDGER_RULES: readonly BusRule[] = [
  {
    name: 'PaymentReceiptsFunction.PaymentOutcomes',
    eventBusName: 'default',
    pattern: {
      source: ['integration-ledger'],
      'detail-type': ['payment.succeeded', 'payment.failed', 'refund.succeeded'],
    },
    targets: ['PaymentReceiptsFunction'],
  },
];
