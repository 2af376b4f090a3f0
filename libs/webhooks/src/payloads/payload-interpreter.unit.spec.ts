import { WEBHOOK_INTERPRETER_NAMES, WEBHOOK_PAYLOAD_PATH } from '@ledger/config';
import { interpretPayload } from './gateway-payload';
import { INTERPRETER_NAMES, PayloadInterpreters, createInterpreter } from './payload-interpreter';
import { PAYLOAD_PATH_PATTERN } from './payload-path';
import { interpretStripeEvent } from './stripe.interpreter';

const stripeSucceeded = {
  id: 'evt_1',
  object: 'event',
  type: 'payment_intent.succeeded',
  data: {
    object: {
      id: 'pi_1',
      object: 'payment_intent',
      amount: 900,
      amount_received: 900,
      currency: 'usd',
      metadata: { ledger_payment_id: 'pay_9', ledger_tenant_id: 'acme' },
    },
  },
};

describe('payload interpreters', () => {
  it('are the ones the configuration accepts', () => {
    expect([...INTERPRETER_NAMES].sort()).toEqual([...WEBHOOK_INTERPRETER_NAMES].sort());
  });

  it('read generic paths as the configuration checks them', () => {
    expect(PAYLOAD_PATH_PATTERN.source).toBe(WEBHOOK_PAYLOAD_PATH.source);
  });

  describe('when a provider names its interpreter', () => {
    it('reads its payloads with that one', () => {
      const interpreters = new PayloadInterpreters([
        { name: 'stripe-live', interpreter: 'stripe' },
        {
          name: 'acquirer',
          interpreter: 'generic',
          mapping: { events: {}, paths: { type: '$.kind' } },
        },
      ]);

      expect(interpreters.for('stripe-live')(stripeSucceeded)).toMatchObject({
        intent: 'payment_succeeded',
        paymentId: 'pay_9',
      });
      expect(interpreters.for('acquirer')({ kind: 'x' }).providerEventType).toBe('x');
    });
  });

  describe('when a provider names none', () => {
    it('reads its payloads as the sandbox interpreter always has', () => {
      const interpreters = new PayloadInterpreters([{ name: 'sandbox' }]);

      expect(interpreters.for('sandbox')).toBe(interpretPayload);
      expect(interpreters.for('removed-since')).toBe(interpretPayload);
    });
  });

  describe('when an interpreter is built', () => {
    it('is the stripe one for stripe', () => {
      expect(createInterpreter({ name: 'p', interpreter: 'stripe' })).toBe(interpretStripeEvent);
    });

    it('refuses generic without a mapping', () => {
      expect(() => createInterpreter({ name: 'p', interpreter: 'generic' })).toThrow(/mapping/);
    });

    it('refuses an unknown name, listing the known ones', () => {
      const settings = { name: 'p', interpreter: 'adyen' } as unknown as Parameters<
        typeof createInterpreter
      >[0];

      expect(() => createInterpreter(settings)).toThrow(/sandbox, stripe, generic/);
    });
  });
});
