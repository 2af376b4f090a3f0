import { TaskCancelledError } from 'cockatiel';
import Stripe from 'stripe';
import { GatewayNetworkError } from '../gateway.errors';
import type { HttpExchange } from '../http/resilience.policy';
import { readConfirmedIntent, readIntentSearch, readRefund, stripeVerdict } from './stripe-answers';
import { exchangeOfStripeError } from './stripe-payment-gateway';

const intent = (overrides: Record<string, unknown> = {}) => ({
  id: 'pi_1',
  object: 'payment_intent',
  status: 'succeeded',
  amount: 4200,
  currency: 'eur',
  created: 100,
  metadata: { ledger_payment_id: 'pay_1', ledger_tenant_id: 'acme' },
  last_payment_error: null,
  ...overrides,
});

const answer = (status: number, body: unknown, headers = {}): HttpExchange => ({
  status,
  headers,
  body,
});

/** The exchange the adapter makes of an SDK error of class `ErrorClass`. */
function fromSdkError(
  ErrorClass: new (raw: Record<string, unknown>) => Stripe.errors.StripeError,
  raw: Record<string, unknown>,
): HttpExchange {
  return exchangeOfStripeError(new ErrorClass({ headers: { 'request-id': 'req_9' }, ...raw }));
}

describe("Stripe's answers, as the ledger reads them", () => {
  describe('when a confirmation succeeds', () => {
    it('is a succeeded charge named by the PaymentIntent, currency upper-case', () => {
      const verdict = stripeVerdict(answer(200, intent()), readConfirmedIntent);

      expect(verdict).toEqual({
        kind: 'final',
        final: {
          outcome: {
            outcome: 'succeeded',
            httpStatus: 200,
            value: {
              id: 'pi_1',
              status: 'succeeded',
              amount: 4200,
              currency: 'EUR',
              paymentId: 'pay_1',
            },
          },
          transactionId: 'pi_1',
        },
      });
    });

    it('is unknown while the intent is still processing', () => {
      const verdict = stripeVerdict(
        answer(200, intent({ status: 'processing' })),
        readConfirmedIntent,
      );

      expect(verdict).toMatchObject({
        kind: 'final',
        final: { outcome: { outcome: 'unknown', reason: 'payment_intent_processing' } },
      });
    });
  });

  describe('when the card is declined (StripeCardError)', () => {
    it('is declined with the decline code, naming the declined PaymentIntent', () => {
      const exchange = fromSdkError(Stripe.errors.StripeCardError, {
        type: 'card_error',
        statusCode: 402,
        code: 'card_declined',
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
        payment_intent: intent({ status: 'requires_payment_method' }),
      });

      const verdict = stripeVerdict(exchange, readConfirmedIntent);

      expect(exchange.headers['request-id']).toBe('req_9');
      expect(verdict).toEqual({
        kind: 'final',
        final: {
          outcome: {
            outcome: 'declined',
            code: 'insufficient_funds',
            reason: 'Your card has insufficient funds.',
            httpStatus: 402,
          },
          transactionId: 'pi_1',
        },
      });
    });

    it('takes the error code when there is no decline code (expired_card)', () => {
      const exchange = fromSdkError(Stripe.errors.StripeCardError, {
        type: 'card_error',
        statusCode: 402,
        code: 'expired_card',
        message: 'Your card has expired.',
      });

      expect(stripeVerdict(exchange, readConfirmedIntent)).toMatchObject({
        final: { outcome: { outcome: 'declined', code: 'expired_card' } },
      });
    });
  });

  describe('when Stripe refuses the request itself', () => {
    it.each([
      [Stripe.errors.StripeInvalidRequestError, 400, 'parameter_missing', 'parameter_missing'],
      [Stripe.errors.StripeAuthenticationError, 401, undefined, 'http_401'],
      [Stripe.errors.StripePermissionError, 403, undefined, 'http_403'],
    ])('reads %p (%i) as a definitive decline', (ErrorClass, statusCode, code, expected) => {
      const exchange = fromSdkError(ErrorClass, { statusCode, code, message: 'no' });

      expect(stripeVerdict(exchange, readConfirmedIntent)).toMatchObject({
        kind: 'final',
        final: { outcome: { outcome: 'declined', code: expected, httpStatus: statusCode } },
      });
    });
  });

  describe('when the idempotency key was used with other parameters', () => {
    it('is unknown (idempotency_error), never a decline and never retried', () => {
      const exchange = fromSdkError(Stripe.errors.StripeIdempotencyError, {
        type: 'idempotency_error',
        statusCode: 400,
        message: 'Keys for idempotent requests can only be used with the same parameters',
      });

      expect(stripeVerdict(exchange, readConfirmedIntent)).toEqual({
        kind: 'final',
        final: { outcome: { outcome: 'unknown', reason: 'idempotency_error' } },
      });
    });
  });

  describe('when Stripe is overloaded or failing', () => {
    it.each([
      [Stripe.errors.StripeRateLimitError, 429, undefined, 'rate_limited'],
      [Stripe.errors.StripeRateLimitError, 400, 'rate_limit', 'rate_limited'],
      [Stripe.errors.StripeAPIError, 500, undefined, 'http_500'],
      [Stripe.errors.StripeAPIError, 503, undefined, 'http_503'],
      [Stripe.errors.StripeInvalidRequestError, 409, 'lock_timeout', 'http_409'],
    ])('retries %p (%i, %s)', (ErrorClass, statusCode, code, cause) => {
      const exchange = fromSdkError(ErrorClass, { statusCode, code, message: 'later' });

      expect(stripeVerdict(exchange, readConfirmedIntent)).toEqual({ kind: 'retry', cause });
    });
  });

  describe('when the connection fails', () => {
    it('turns a timed-out request into a cancellation (a timeout attempt)', () => {
      const error = new Stripe.errors.StripeConnectionError({
        message: 'Request aborted due to timeout being reached (2000ms)',
        detail: Object.assign(new TypeError('ETIMEDOUT'), { code: 'ETIMEDOUT' }),
      });

      expect(() => exchangeOfStripeError(error)).toThrow(TaskCancelledError);
    });

    it('turns any other connection error into a network error with its code', () => {
      const error = new Stripe.errors.StripeConnectionError({
        message: 'An error occurred with our connection to Stripe.',
        detail: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      });

      expect(() => exchangeOfStripeError(error)).toThrow(GatewayNetworkError);
      expect(() => exchangeOfStripeError(error)).toThrow(/ECONNREFUSED/);
    });
  });

  describe('when a refund is answered', () => {
    it.each([
      ['succeeded', { outcome: 'succeeded', value: { status: 'succeeded', chargeId: 'pi_1' } }],
      ['failed', { outcome: 'succeeded', value: { status: 'failed' } }],
      ['pending', { outcome: 'unknown', reason: 'refund_pending' }],
    ])('reads status %s', (status, expected) => {
      const refund = { id: 're_1', object: 'refund', amount: 100, payment_intent: 'pi_1', status };

      expect(readRefund(refund)).toMatchObject({ outcome: expected, transactionId: 're_1' });
    });
  });

  describe('when PaymentIntents are searched for a payment', () => {
    it('finds none as no charge', () => {
      expect(readIntentSearch({ object: 'search_result', data: [] }).outcome).toEqual({
        outcome: 'succeeded',
        value: undefined,
        httpStatus: 200,
      });
    });

    it('reads the newest intent: a declined one with its decline code', () => {
      const older = intent({ id: 'pi_old', created: 1 });
      const newer = intent({
        id: 'pi_new',
        created: 2,
        status: 'requires_payment_method',
        last_payment_error: { code: 'card_declined', decline_code: 'generic_decline' },
      });

      expect(readIntentSearch({ data: [older, newer] }).outcome).toMatchObject({
        outcome: 'succeeded',
        value: { id: 'pi_new', status: 'declined', declineCode: 'generic_decline' },
      });
    });

    it('leaves an intent that is still processing unknown', () => {
      expect(readIntentSearch({ data: [intent({ status: 'processing' })] }).outcome).toEqual({
        outcome: 'unknown',
        reason: 'payment_intent_processing',
      });
    });

    it('reads an intent never confirmed as no charge', () => {
      const created = intent({ status: 'requires_payment_method' });

      expect(readIntentSearch({ data: [created] }).outcome).toMatchObject({ value: undefined });
    });
  });
});
