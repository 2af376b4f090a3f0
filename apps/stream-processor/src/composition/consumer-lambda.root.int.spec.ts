import { readLedgerEnv } from '@ledger/config';
import { InMemoryParameterSource } from '@ledger/config/in-memory';
import { decodePaymentEvent, handleCommand, paymentDecider, paymentStreamId } from '@ledger/ledger';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { webhookAdapters } from '@ledger/webhooks/aws';
import { SignedDeliveries } from '@ledger/webhooks/testing';
import { stringify } from 'yaml';
import { composeConsumerLambda } from './consumer-lambda.root';

const PARAMETER = '/ledger/int/config';
const SECRET = 'whsec_int_stripe_not_real';
// Composing opens a bus client but the correlator sends nothing to it.
const NOWHERE = 'http://127.0.0.1:9';

/** The configuration as deployed: the Stripe provider's secret a reference the correlator never follows. */
const deployed = stringify({
  environment: 'production',
  tenants: [{ id: 'acme', apiKeys: ['secretsmanager:ledger/acme-api-key'] }],
  providers: [
    {
      name: 'stripe-acme',
      tenant: 'acme',
      scheme: 'stripe',
      interpreter: 'stripe',
      secrets: ['secretsmanager:ledger/stripe-webhooks'],
    },
  ],
});

describe('the correlator function, composed as its Lambda handler composes it', () => {
  let ledger: TestLedger;
  let webhooks: SignedDeliveries;

  beforeAll(async () => {
    ledger = await createTestLedger('correlator-lambda');
    webhooks = new SignedDeliveries(ledger.store, webhookAdapters(ledger.storage).deliveryStats, [
      { name: 'stripe-acme', tenant: 'acme', scheme: 'stripe', secrets: [SECRET] },
    ]);
  });

  afterAll(async () => {
    await webhooks.close();
    await ledger.close();
  });

  describe('when the configuration parameter names the stripe interpreter for the provider', () => {
    it('concludes the payment a Stripe event names in its metadata', async () => {
      await handleCommand(
        ledger.store,
        paymentDecider,
        decodePaymentEvent,
        paymentStreamId('acme', 'pay_stripe_lambda'),
        {
          type: 'RequestPayment',
          data: { paymentId: 'pay_stripe_lambda', amount: 2600, currency: 'EUR' },
          metadata: { now: new Date().toISOString(), tenantId: 'acme' },
        },
      );
      const delivery = await webhooks.deliver('stripe-acme', {
        id: 'evt_int_lambda_1',
        object: 'event',
        type: 'payment_intent.succeeded',
        data: {
          object: {
            id: 'pi_int_lambda_1',
            object: 'payment_intent',
            amount: 2600,
            amount_received: 2600,
            currency: 'eur',
            metadata: { ledger_payment_id: 'pay_stripe_lambda', ledger_tenant_id: 'acme' },
          },
        },
      });
      const parameters = new InMemoryParameterSource({ [PARAMETER]: deployed });
      const env = readLedgerEnv({
        AWS_LAMBDA_FUNCTION_NAME: 'ledger-CorrelatorFunction',
        LEDGER_CONFIG_PARAMETER: PARAMETER,
        EVENTBRIDGE_ENDPOINT: NOWHERE,
        LOG_LEVEL: 'silent',
      });
      const root = await composeConsumerLambda('correlator', env, ledger.storage, parameters);

      try {
        await root.consumer.handle(delivery);
      } finally {
        await root.close();
      }
      const { events } = await ledger.store.readStream(
        paymentStreamId('acme', 'pay_stripe_lambda'),
      );

      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(events[1].data).toMatchObject({
        webhook: { provider: 'stripe-acme', intent: 'payment_succeeded' },
      });
      expect([...parameters.reads.keys()]).toEqual([`ssm:${PARAMETER}`]);
    });
  });
});
