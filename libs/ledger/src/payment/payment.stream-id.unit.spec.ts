import { ValidationFailedError } from '@ledger/errors';
import { parsePaymentStreamId, paymentStreamId } from './payment.stream-id';

describe('paymentStreamId', () => {
  describe('when given a tenant and a payment id', () => {
    it('joins them as <tenant>#payment#<paymentId>', () => {
      expect(paymentStreamId('acme', 'pay_1')).toBe('acme#payment#pay_1');
    });

    it('round-trips through parsePaymentStreamId, even with a # in the payment id', () => {
      expect(parsePaymentStreamId(paymentStreamId('acme', 'ord#7'))).toStrictEqual({
        tenantId: 'acme',
        paymentId: 'ord#7',
      });
    });
  });

  describe('when the tenant contains # or either part is empty', () => {
    it.each([
      ['ac#me', 'pay_1'],
      ['', 'pay_1'],
      ['acme', ''],
    ])('refuses (%p, %p)', (tenantId, paymentId) => {
      expect(() => paymentStreamId(tenantId, paymentId)).toThrow(ValidationFailedError);
    });
  });
});

describe('parsePaymentStreamId', () => {
  describe('when the stream is not a payment stream', () => {
    it.each([
      'acme#delivery#sandbox#dlv_1',
      'acme#payment#',
      '#payment#pay_1',
      'acme',
      'acme#paymentx#pay_1',
    ])('answers undefined for %p', (streamId) => {
      expect(parsePaymentStreamId(streamId)).toBeUndefined();
    });
  });
});
