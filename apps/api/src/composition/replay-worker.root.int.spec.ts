import { ulid } from 'ulid';
import { stringify } from 'yaml';
import { readLedgerEnv } from '@ledger/config';
import { InMemoryParameterSource } from '@ledger/config/in-memory';
import { decodePaymentEvent, handleCommand, paymentDecider, paymentStreamId } from '@ledger/ledger';
import { PaymentProjector } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { workOnReplay, type ReplayJob } from '@ledger/replay';
import { replayAdapters } from '@ledger/replay/aws';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { composeReplayWorker } from './replay-worker.root';

const PARAMETER = '/ledger/worker/config';
const GATEWAY_KEY = 'sandbox-worker-key-not-real';
const LEFT_AT = new Date(Date.now() - 60_000).toISOString();

/** What ReplayWorkerFunction's environment holds (template.yaml); storage is the spec's own. */
const workerEnv = readLedgerEnv({
  AWS_LAMBDA_FUNCTION_NAME: 'ledger-ReplayWorkerFunction',
  LEDGER_CONFIG_PARAMETER: PARAMETER,
  LOG_LEVEL: 'silent',
});

describe('the composition root of the replay worker function (ReplayWorkerFunction)', () => {
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;

  /** Leaves a payment `outcome_unknown`, projected, as a run whose answer was lost leaves it. */
  async function leaveUnknown(paymentId: string): Promise<void> {
    const streamId = paymentStreamId('acme', paymentId);
    const metadata = { now: LEFT_AT, tenantId: 'acme' };
    await handleCommand(ledger.store, paymentDecider, decodePaymentEvent, streamId, {
      type: 'RequestPayment',
      data: { paymentId, amount: 1500, currency: 'EUR' },
      metadata,
    });
    await handleCommand(ledger.store, paymentDecider, decodePaymentEvent, streamId, {
      type: 'ConcludeCharge',
      data: { outcome: 'unknown', reason: 'timeout', source: 'gateway_response' },
      metadata,
    });
    const projector = new PaymentProjector(
      ledger.store,
      projectionAdapters(ledger.storage).documentsOf(FIRST_GENERATION),
    );
    const { events } = await ledger.store.readStream(streamId);
    for (const event of events) await projector.handle(event);
  }

  /** The sandbox takes the charge under the payment's own key: the answer that was lost. */
  async function chargeAtTheGateway(paymentId: string): Promise<void> {
    const response = await fetch(`${sandbox.url}/v1/charges`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${GATEWAY_KEY}`,
        'idempotency-key': `acme:${paymentId}:charge`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ paymentId, amount: 1500, currency: 'EUR' }),
    });
    await response.body?.cancel();
    expect(response.status).toBe(201);
  }

  /** A reconcile job as `POST /admin/reconciliations` records it before handing it over. */
  async function recordReconcileJob(): Promise<ReplayJob> {
    const now = new Date().toISOString();
    const job: ReplayJob = {
      replayId: ulid(),
      kind: 'reconcile',
      scope: { tenantId: 'acme' },
      status: 'running',
      dryRun: false,
      reconcile: {
        statuses: ['outcome_unknown'],
        updatedBefore: now,
        olderThanSeconds: 0,
        concurrency: 2,
      },
      processed: 0,
      startedAt: now,
      updatedAt: now,
    };
    await replayAdapters(ledger.storage).jobs.create(job);
    return job;
  }

  beforeAll(async () => {
    ledger = await createTestLedger('replay-worker-root');
    sandbox = await startSandboxGateway({ port: 0, apiKey: GATEWAY_KEY });
  });

  afterAll(async () => {
    await sandbox.stop();
    await ledger.close();
  });

  describe('when its configuration parameter gives a tenant a sandbox gateway account', () => {
    it('hands a reconcile job the tenant’s gateway, so the job settles what the gateway charged', async () => {
      await leaveUnknown('pay_worker_1');
      await chargeAtTheGateway('pay_worker_1');
      const job = await recordReconcileJob();
      // The configuration as deployed: its keys in Secrets Manager, the gateway's among them.
      const parameters = new InMemoryParameterSource(
        {
          [PARAMETER]: stringify({
            environment: 'production',
            tenants: [
              {
                id: 'acme',
                apiKeys: ['secretsmanager:ledger/worker-api-key'],
                gateway: {
                  kind: 'sandbox',
                  baseUrl: sandbox.url,
                  apiKey: 'secretsmanager:ledger/worker-gateway-key',
                },
              },
            ],
          }),
        },
        {
          'ledger/worker-api-key': 'worker-api-key-from-secrets-manager',
          'ledger/worker-gateway-key': GATEWAY_KEY,
        },
      );
      const root = await composeReplayWorker(workerEnv, ledger.storage, parameters);
      try {
        const outcome = await workOnReplay(
          { ...root.dependencies, owner: 'invocation-1', continueLater: () => Promise.resolve() },
          job.replayId,
          () => 900_000,
          60_000,
        );

        const ended = await replayAdapters(ledger.storage).jobs.get(job.replayId);
        const { events } = await ledger.store.readStream(paymentStreamId('acme', 'pay_worker_1'));
        expect(outcome).toBe('completed');
        expect(ended).toMatchObject({
          status: 'completed',
          result: { summary: { selected: 1, settled: { succeeded: 1 }, unknown: 0, errors: 0 } },
        });
        expect(events.at(-1)?.type).toBe('PaymentSucceeded');
        expect([...parameters.reads.keys()].sort()).toEqual([
          'secretsmanager:ledger/worker-api-key',
          'secretsmanager:ledger/worker-gateway-key',
          `ssm:${PARAMETER}`,
        ]);
      } finally {
        await root.close();
      }
    }, 60_000);
  });
});
