import { GatewayApiError } from './gateway-api.error';
import { parseChargeRequest, parseRefundRequest } from './gateway-requests';
import { outcomeForAmount } from './test-amounts';

describe('outcomeForAmount', () => {
  it.each([
    [1002, { status: 'declined', declineCode: 'card_declined' }],
    [2, { status: 'declined', declineCode: 'card_declined' }],
    [1051, { status: 'declined', declineCode: 'insufficient_funds' }],
    [1000, { status: 'succeeded' }],
    [1020, { status: 'succeeded' }],
    [1510, { status: 'succeeded' }],
  ])('decides %i as %j', (amount, outcome) => {
    expect(outcomeForAmount(amount)).toEqual(outcome);
  });
});

describe('parseChargeRequest', () => {
  it('keeps the known fields and drops absent optional ones', () => {
    expect(
      parseChargeRequest({ paymentId: 'p', amount: 5, currency: 'USD', orderId: 'o', extra: 1 }),
    ).toEqual({ paymentId: 'p', amount: 5, currency: 'USD', orderId: 'o' });
  });

  it.each([
    [null],
    [[]],
    [{ paymentId: '', amount: 5, currency: 'USD' }],
    [{ paymentId: 'p', amount: -5, currency: 'USD' }],
    [{ paymentId: 'p', amount: 5, currency: 'USDX' }],
    [{ paymentId: 'p', amount: 5, currency: 'USD', orderId: 7 }],
  ])('rejects %j with 400 invalid_request', (body) => {
    expect(() => parseChargeRequest(body)).toThrow(
      expect.objectContaining({ status: 400, code: 'invalid_request' }) as GatewayApiError,
    );
  });
});

describe('parseRefundRequest', () => {
  it('requires refundId, a positive amount and paymentId', () => {
    expect(parseRefundRequest({ refundId: 'r', amount: 1, paymentId: 'p' })).toEqual({
      refundId: 'r',
      amount: 1,
      paymentId: 'p',
    });
    expect(() => parseRefundRequest({ refundId: 'r', amount: 1 })).toThrow(GatewayApiError);
  });
});
