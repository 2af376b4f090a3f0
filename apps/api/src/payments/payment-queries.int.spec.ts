import type { StoredEvent } from '@ledger/event-store';
import { HttpPaymentGateway } from '@ledger/outbound';
import { PaymentProjector, type GenerationDocuments } from '@ledger/projections';
import { FIRST_GENERATION, projectionAdapters } from '@ledger/projections/aws';
import { startSandboxGateway, type RunningSandboxGateway } from '@ledger/sandbox-gateway';
import {
  createDynamoDbStreamsClient,
  streamConsumerAdapters,
  type StreamPoller,
} from '@ledger/stream-consumer/aws';
import { createTestLedger, waitUntil, type TestLedger } from '@ledger/testing';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createTestApi, type TestApi } from '../testing/test-api';

const GATEWAY_KEY = 'sandbox-test-key-not-real';
const ACME = { authorization: 'Bearer test-key-acme-0000' };
const GLOBEX = { authorization: 'Bearer test-key-globex-000' };

interface View {
  paymentId: string;
  status: string;
  version: number;
  attempts: number;
  customerId?: string;
}

describe('payment queries over the projected read model', () => {
  let ledger: TestLedger;
  let sandbox: RunningSandboxGateway;
  let api: TestApi;
  let streams: DynamoDBStreamsClient;
  let poller: StreamPoller;
  let projector: PaymentProjector;
  let documents: GenerationDocuments;
  let keys = 0;

  beforeAll(async () => {
    ledger = await createTestLedger('queries');
    sandbox = await startSandboxGateway({ port: 0, apiKey: GATEWAY_KEY });
    const gateway = new HttpPaymentGateway({ baseUrl: sandbox.url, apiKey: GATEWAY_KEY });
    api = await createTestApi(ledger, { gateway });
    documents = projectionAdapters(ledger.storage).documentsOf(FIRST_GENERATION);
    projector = new PaymentProjector(ledger.store, documents);
    streams = createDynamoDbStreamsClient(process.env.DYNAMODB_ENDPOINT);
    poller = streamConsumerAdapters(ledger.storage).poller({
      consumer: projector,
      streams,
      pollIntervalMs: 20,
    });
    await poller.start();
  });

  afterAll(async () => {
    await poller.stop();
    streams.destroy();
    await api.close();
    await sandbox.stop();
    await ledger.close();
  });

  async function create(body: object): Promise<{ paymentId: string; version: number }> {
    const response = await api.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { ...ACME, 'idempotency-key': `q-${++keys}` },
      payload: body,
    });
    return response.json();
  }

  function get(url: string, headers: Record<string, string> = ACME) {
    return api.app.inject({ method: 'GET', url, headers });
  }

  /** Waits, with a generous limit, until the projector has folded the payment up to `version`. */
  async function projected(paymentId: string, version: number): Promise<void> {
    await waitUntil(
      async () => ((await documents.get('acme', paymentId))?.version ?? 0) >= version,
      { what: `${paymentId} projected to version ${version}` },
    );
  }

  describe('when a client reads its own write', () => {
    it('answers with the version the command returned once it is projected', async () => {
      const { paymentId, version } = await create({
        amount: 1500,
        currency: 'EUR',
        customerId: 'cus_q1',
      });
      await projected(paymentId, version);

      const response = await get(`/payments/${paymentId}?minVersion=${version}`);

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        paymentId,
        status: 'succeeded',
        amount: 1500,
        capturedAmount: 1500,
        refundableAmount: 1500,
        attempts: 1,
        customerId: 'cus_q1',
        version,
      });
    });
  });

  describe("when a payment's history is read", () => {
    it('returns every event in order, page by page, optionally filtered by type', async () => {
      const { paymentId } = await create({ amount: 800, currency: 'EUR' });

      const all = (await get(`/payments/${paymentId}/history`)).json<{ events: StoredEvent[] }>();
      const first = (await get(`/payments/${paymentId}/history?limit=2`)).json<{
        events: StoredEvent[];
        nextCursor: string;
      }>();
      const rest = (
        await get(`/payments/${paymentId}/history?limit=2&cursor=${first.nextCursor}`)
      ).json<{
        events: StoredEvent[];
        nextCursor?: string;
      }>();
      const attempts = (
        await get(`/payments/${paymentId}/history?types=GatewayCallAttempted`)
      ).json<{
        events: StoredEvent[];
      }>();

      expect(all.events.map((e) => e.type)).toEqual([
        'PaymentRequested',
        'GatewayCallAttempted',
        'PaymentSucceeded',
      ]);
      expect([...first.events, ...rest.events].map((e) => e.version)).toEqual([1, 2, 3]);
      expect(rest.nextCursor).toBeUndefined();
      expect(attempts.events.map((e) => e.type)).toEqual(['GatewayCallAttempted']);
    });

    it('refuses an event type that does not exist, listing the known ones', async () => {
      const { paymentId } = await create({ amount: 800, currency: 'EUR' });

      const response = await get(`/payments/${paymentId}/history?types=PaymentRequested,Bogus`);

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'validation_failed',
        errors: [expect.stringContaining('PaymentRequested, GatewayCallAttempted')],
      });
    });

    it('answers 404 for a payment that does not exist', async () => {
      const response = await get('/payments/pay_nope/history');

      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 'payment_not_found' });
    });
  });

  describe('when payments are listed', () => {
    it('filters by status and customer, newest first, across pages', async () => {
      const created = [];
      for (const amount of [2000, 2002, 2100, 2202, 2300]) {
        created.push(await create({ amount, currency: 'EUR', customerId: 'cus_list' }));
      }
      for (const { paymentId, version } of created) await projected(paymentId, version);

      const failed = (await get('/payments?customerId=cus_list&status=failed')).json<{
        items: View[];
      }>();
      const page1 = (await get('/payments?customerId=cus_list&limit=2')).json<{
        items: View[];
        nextCursor: string;
      }>();
      const page2 = (
        await get(`/payments?customerId=cus_list&limit=2&cursor=${page1.nextCursor}`)
      ).json<{
        items: View[];
        nextCursor: string;
      }>();
      const page3 = (
        await get(`/payments?customerId=cus_list&limit=2&cursor=${page2.nextCursor}`)
      ).json<{
        items: View[];
        nextCursor?: string;
      }>();

      expect(failed.items.map((v) => v.status)).toEqual(['failed', 'failed']);
      const listed = [...page1.items, ...page2.items, ...page3.items].map((v) => v.paymentId);
      expect(listed).toEqual(created.map((c) => c.paymentId).reverse());
      expect(page3.nextCursor).toBeUndefined();
    });

    it('refuses bad filters with 400 validation_failed', async () => {
      const response = await get('/payments?status=teleported&limit=1000');

      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'validation_failed' });
    });
  });

  describe('when another tenant asks', () => {
    it("sees none of this tenant's payments by id, by list or through a forged cursor", async () => {
      const { paymentId, version } = await create({ amount: 1700, currency: 'EUR' });
      await projected(paymentId, version);
      const acmePage = (await get('/payments?limit=1')).json<{ nextCursor: string }>();
      const forged = Buffer.from(
        JSON.stringify({
          pk: `acme#payment#${paymentId}`,
          sk: 'payment',
          gsi1pk: 'globex#payments',
          gsi1sk: 'z',
        }),
      ).toString('base64url');

      const byId = await get(`/payments/${paymentId}`, GLOBEX);
      const history = await get(`/payments/${paymentId}/history`, GLOBEX);
      const list = (await get('/payments', GLOBEX)).json<{ items: View[] }>();
      const stolenCursor = await get(`/payments?cursor=${acmePage.nextCursor}`, GLOBEX);
      const forgedCursor = await get(`/payments?cursor=${forged}`, GLOBEX);

      expect(byId.statusCode).toBe(404);
      expect(history.statusCode).toBe(404);
      expect(list.items).toEqual([]);
      expect(stolenCursor.statusCode).toBe(400);
      expect(forgedCursor.statusCode).toBe(400);
    });
  });

  describe('when the same stream records are handed to the projector again', () => {
    it('changes nothing', async () => {
      const events: StoredEvent[] = [];
      for await (const event of ledger.store.readAll()) events.push(event);
      const lastVersions = new Map(events.map((e) => [e.streamId, e.version]));
      for (const [streamId, version] of lastVersions) {
        if (streamId.includes('#payment#'))
          await projected(streamId.split('#payment#')[1], version);
      }
      const before = await Promise.all(
        [...new Set(events.map((e) => e.streamId))]
          .filter((s) => s.includes('#payment#'))
          .map((s) => documents.get('acme', s.split('#payment#')[1])),
      );

      for (const event of [...events, ...events]) await projector.handle(event);

      const after = await Promise.all(before.map((d) => documents.get('acme', d!.paymentId)));
      expect(after).toEqual(before);
      expect(before.every((d) => d !== undefined)).toBe(true);
    });
  });
});
