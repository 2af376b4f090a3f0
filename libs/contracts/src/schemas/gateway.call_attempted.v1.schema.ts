import { detailSchemaV1, instant, oneOf, text } from './detail-schema.v1';

/** JSON Schema of the `gateway.call_attempted` detail, version 1. */
export const gatewayCallAttemptedV1Schema = detailSchemaV1(
  'gateway.call_attempted',
  'One outbound call attempt to the payment gateway, whatever its outcome: retries, timeouts and calls the circuit breaker refused included. Never carries keys, card data or the idempotency key.',
  {
    required: ['operation', 'attempt', 'outcome', 'durationMs', 'startedAt', 'breakerState'],
    properties: {
      operation: oneOf(['charge', 'refund'], 'What the call was for.'),
      refundId: text('The refund the call was for; present when `operation` is `refund`.'),
      attempt: {
        type: 'integer',
        minimum: 1,
        description: '1 for the first try, 2 for the first retry, ...',
      },
      outcome: oneOf(
        [
          'succeeded',
          'http_error',
          'timeout',
          'network_error',
          'circuit_open',
          'bulkhead_rejected',
        ],
        'How the attempt ended, as the resilience policy saw it.',
      ),
      httpStatus: {
        type: 'integer',
        minimum: 100,
        description: "The gateway's HTTP status, when it answered.",
      },
      durationMs: {
        type: 'number',
        minimum: 0,
        description: 'How long the attempt took, in milliseconds.',
      },
      startedAt: instant('When the attempt started.'),
      nextDelayMs: {
        type: 'number',
        minimum: 0,
        description: 'The delay before the next retry, when the policy will retry.',
      },
      breakerState: oneOf(
        ['closed', 'open', 'half_open', 'isolated'],
        "The circuit breaker's state when the attempt was made.",
      ),
    },
  },
);
