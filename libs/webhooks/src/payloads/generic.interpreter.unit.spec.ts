import { genericInterpreter, type PayloadMapping } from './generic.interpreter';

// A made-up provider whose payloads nest the charge under `payload` and keep references in
// `meta` (one of them with a dotted key, one of them a number).
const mapping: PayloadMapping = {
  events: {
    'charge.paid': 'payment_succeeded',
    'charge.declined': 'payment_failed',
    'refund.done': 'refund_succeeded',
    'refund.rejected': 'refund_failed',
  },
  paths: {
    type: '$.event',
    paymentId: "$.payload.meta['ledger.payment_id']",
    orderId: '$.payload.meta.order',
    gatewayTransactionId: '$.payload.id',
    refundId: '$.payload.refunds[0].ref',
    gatewayRefundId: '$.payload.refunds[0].id',
    amount: '$.payload.money.minor',
    currency: '$.payload.money.currency',
    reason: '$.payload.error.text',
    declineCode: '$.payload.error.code',
  },
};

describe('genericInterpreter', () => {
  const interpret = genericInterpreter(mapping);

  describe('when an event type is mapped', () => {
    it('reads the intent and every member from its path', () => {
      const payload = {
        event: 'charge.declined',
        payload: {
          id: 7001,
          meta: { 'ledger.payment_id': 'pay_1', order: 'ord_9' },
          money: { minor: 1250, currency: 'eur' },
          error: { code: 'do_not_honor', text: 'Declined by issuer' },
        },
      };

      expect(interpret(payload)).toEqual({
        providerEventType: 'charge.declined',
        intent: 'payment_failed',
        paymentId: 'pay_1',
        orderId: 'ord_9',
        gatewayTransactionId: '7001',
        amount: 1250,
        currency: 'EUR',
        reason: 'Declined by issuer',
        declineCode: 'do_not_honor',
      });
    });

    it('reads array steps', () => {
      const payload = {
        event: 'refund.done',
        payload: { id: 'c_1', refunds: [{ id: 'r_77', ref: 'ref_1' }], money: { minor: 5 } },
      };

      expect(interpret(payload)).toMatchObject({
        intent: 'refund_succeeded',
        refundId: 'ref_1',
        gatewayRefundId: 'r_77',
        amount: 5,
      });
    });
  });

  describe('when an event type is not mapped', () => {
    it('keeps its type and does not act on it', () => {
      const payload = { event: 'charge.pending', payload: { id: 'c_2' } };

      expect(interpret(payload)).toEqual({
        providerEventType: 'charge.pending',
        intent: 'unknown',
        gatewayTransactionId: 'c_2',
      });
    });

    it('treats names of Object.prototype as names like any other', () => {
      expect(interpret({ event: 'toString' }).intent).toBe('unknown');
      expect(interpret({ event: '__proto__' }).intent).toBe('unknown');
    });
  });

  describe('when a path finds nothing usable', () => {
    it('leaves the member out', () => {
      const payload = {
        event: 'charge.paid',
        payload: { id: ['not', 'text'], money: { minor: 12.5, currency: '' } },
      };

      expect(interpret(payload)).toEqual({
        providerEventType: 'charge.paid',
        intent: 'payment_succeeded',
      });
    });

    it('never reads through the prototype', () => {
      const byPrototype = genericInterpreter({
        events: {},
        paths: { type: '$.constructor.name' },
      });

      expect(byPrototype({}).providerEventType).toBe('unknown');
    });
  });

  describe('when the mapping is invalid', () => {
    it('refuses a path outside the documented subset', () => {
      expect(() => genericInterpreter({ events: {}, paths: { type: '$..type' } })).toThrow(
        /not a payload path/,
      );
    });

    it('refuses a mapping without the type path', () => {
      expect(() => genericInterpreter({ events: {}, paths: {} })).toThrow(/paths.type/);
    });
  });
});
