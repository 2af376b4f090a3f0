import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePaymentEvent, handleCommand, paymentDecider, paymentStreamId } from '@ledger/ledger';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { webhookAdapters } from '@ledger/webhooks/aws';
import { SignedDeliveries } from '@ledger/webhooks/testing';
import { stringify } from 'yaml';
import { runCli } from '../main';
import { captureCliErrors } from '../testing/capture-cli-errors';

const SECRET = 'whsec_cli_replay_not_real';

/** A configuration whose provider reads Stripe events (the correlator's only concern here). */
const CONFIG = stringify({
  tenants: [{ id: 'acme', apiKeys: ['cli-replay-key-not-real'] }],
  providers: [
    {
      name: 'stripe-acme',
      tenant: 'acme',
      scheme: 'stripe',
      interpreter: 'stripe',
      secrets: [SECRET],
    },
  ],
});

describe('ledger replay consumer correlator', () => {
  const stderr = captureCliErrors();
  let ledger: TestLedger;
  let webhooks: SignedDeliveries;
  const saved = { prefix: process.env.TABLE_PREFIX, config: process.env.LEDGER_CONFIG };

  beforeAll(async () => {
    ledger = await createTestLedger('cli-replay-consumer');
    webhooks = new SignedDeliveries(ledger.store, webhookAdapters(ledger.storage).deliveryStats, [
      { name: 'stripe-acme', tenant: 'acme', scheme: 'stripe', secrets: [SECRET] },
    ]);
    // The CLI opens the test engine's tables (DYNAMODB_ENDPOINT is the int tier's engine).
    process.env.TABLE_PREFIX = ledger.prefix;
    const path = join(mkdtempSync(join(tmpdir(), 'ledger-cli-replay-')), 'ledger.config.yaml');
    writeFileSync(path, CONFIG);
    process.env.LEDGER_CONFIG = path;
  });

  afterAll(async () => {
    for (const [name, value] of [
      ['TABLE_PREFIX', saved.prefix],
      ['LEDGER_CONFIG', saved.config],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await webhooks.close();
    await ledger.close();
  });

  describe("when a provider's payloads are read by the stripe interpreter", () => {
    it('concludes the payment a Stripe event names, as the correlator function does', async () => {
      jest.spyOn(console, 'log').mockImplementation(() => undefined);
      const from = new Date(Date.now() - 60_000).toISOString();
      await handleCommand(
        ledger.store,
        paymentDecider,
        decodePaymentEvent,
        paymentStreamId('acme', 'pay_cli_stripe'),
        {
          type: 'RequestPayment',
          data: { paymentId: 'pay_cli_stripe', amount: 3100, currency: 'EUR' },
          metadata: { now: new Date().toISOString(), tenantId: 'acme' },
        },
      );
      await webhooks.deliver('stripe-acme', {
        id: 'evt_cli_replay_1',
        object: 'event',
        type: 'payment_intent.succeeded',
        data: {
          object: {
            id: 'pi_cli_replay_1',
            object: 'payment_intent',
            amount: 3100,
            amount_received: 3100,
            currency: 'eur',
            metadata: { ledger_payment_id: 'pay_cli_stripe', ledger_tenant_id: 'acme' },
          },
        },
      });
      const to = new Date(Date.now() + 60_000).toISOString();

      await runCli([
        'node',
        'ledger',
        'replay',
        'consumer',
        'correlator',
        '--from',
        from,
        '--to',
        to,
      ]);

      expect(stderr.printed).toEqual([]);
      const { events } = await ledger.store.readStream(paymentStreamId('acme', 'pay_cli_stripe'));
      expect(events.map((e) => e.type)).toEqual(['PaymentRequested', 'PaymentSucceeded']);
      expect(events[1].data).toMatchObject({
        webhook: { provider: 'stripe-acme', intent: 'payment_succeeded' },
      });
    });
  });
});
