import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { StoredEvent } from '@ledger/event-store';
import { closeLedgerStorage, createLedgerStorage } from '@ledger/event-store/aws';
import { freePort } from '@ledger/local-engine';
import { createTestLedger, type TestLedger } from '@ledger/testing';
import { signFor, type WebhookReceivedData } from '@ledger/webhooks';
import { webhookAdapters } from '@ledger/webhooks/aws';
import { createTestApi, type TestApi } from '../testing/test-api';

const SECRET = 'test-secret-not-real';

function signed(body: string, extra: Record<string, string> = {}) {
  return {
    method: 'POST' as const,
    url: '/webhooks/sandbox',
    headers: {
      'content-type': 'application/json',
      ...signFor('hmac-sha256', SECRET, body),
      ...extra,
    },
    payload: body,
  };
}

describe('POST /webhooks/:provider', () => {
  let ledger: TestLedger;
  let api: TestApi;

  beforeAll(async () => {
    ledger = await createTestLedger('webhooks');
    api = await createTestApi(ledger);
  });

  afterAll(async () => {
    await api.close();
    await ledger.close();
  });

  async function eventsOfType(type: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const event of ledger.store.readAll()) if (event.type === type) events.push(event);
    return events;
  }

  async function streamsStartingWith(prefix: string): Promise<number> {
    const output = await ledger.client.send(
      new ScanCommand({
        TableName: ledger.tables.events,
        FilterExpression: 'begins_with(pk, :p)',
        ExpressionAttributeValues: { ':p': { S: prefix } },
      }),
    );
    return output.Count ?? 0;
  }

  describe('when a delivery is signed correctly', () => {
    it('acknowledges it and stores the exact bytes received as version 1 of its stream', async () => {
      // Odd spacing and key order: re-serialised JSON would differ from what was signed.
      const body = '{ "id":"evt_exact",  "type": "payment.completed","data":{"b":1,"a":2} }';

      const response = await api.app.inject(signed(body));

      expect(response.statusCode).toBe(200);
      const ack = response.json<{ received: boolean; duplicate: boolean; eventId: string }>();
      expect(ack).toMatchObject({ received: true, duplicate: false });
      const { events } = await ledger.store.readStream('acme#delivery#sandbox#evt_exact');
      expect(events).toHaveLength(1);
      const data = events[0].data as unknown as WebhookReceivedData;
      expect(events[0]).toMatchObject({
        version: 1,
        type: 'WebhookReceived',
        eventId: ack.eventId,
      });
      expect(Buffer.from(data.body).toString('utf8')).toBe(body);
      expect(data).toMatchObject({
        provider: 'sandbox',
        deliveryId: 'evt_exact',
      });
      expect(events[0].metadata).toMatchObject({ tenantId: 'acme', source: 'webhook' });
    });
  });

  describe('when the same delivery arrives again', () => {
    it('answers duplicate with the first event id, writes nothing, and counts the arrival', async () => {
      const body = '{"id":"evt_dup","type":"payment.completed"}';
      const first = (await api.app.inject(signed(body))).json<{ eventId: string }>();

      const again = await api.app.inject(signed(body));

      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ received: true, duplicate: true, eventId: first.eventId });
      expect(await streamsStartingWith('acme#delivery#sandbox#evt_dup')).toBe(1);
      const stats = await webhookAdapters(ledger.storage).deliveryStats.get(
        'acme#delivery#sandbox#evt_dup',
      );
      expect(stats).toMatchObject({ arrivals: 2, conflictingBodies: 0 });
    });

    it('records exactly one event for 100 concurrent identical deliveries', async () => {
      const body = '{"id":"evt_burst","type":"payment.completed"}';

      const responses = await Promise.all(
        Array.from({ length: 100 }, () => api.app.inject(signed(body))),
      );

      expect(responses.every((r) => r.statusCode === 200)).toBe(true);
      expect(responses.filter((r) => !r.json<{ duplicate: boolean }>().duplicate)).toHaveLength(1);
      expect(new Set(responses.map((r) => r.json<{ eventId: string }>().eventId)).size).toBe(1);
      expect(await streamsStartingWith('acme#delivery#sandbox#evt_burst')).toBe(1);
    });
  });

  describe('when a delivery is refused', () => {
    it.each([
      [
        'a bad signature',
        signed('{"id":"x1"}', { 'x-signature': 'ab'.repeat(32) }),
        401,
        'invalid_signature',
      ],
      [
        'missing signature headers',
        { ...signed('{"id":"x2"}'), headers: { 'content-type': 'application/json' } },
        400,
        'missing_signature_headers',
      ],
      [
        'a stale timestamp',
        {
          ...signed('{"id":"x3"}'),
          headers: {
            'content-type': 'application/json',
            ...signFor('hmac-sha256', SECRET, '{"id":"x3"}', {
              timestamp: new Date(Date.now() - 3600_000),
            }),
          },
        },
        401,
        'timestamp_out_of_tolerance',
      ],
      [
        'a signed body that is not JSON',
        {
          ...signed('not json'),
          headers: {
            'content-type': 'application/json',
            ...signFor('hmac-sha256', SECRET, 'not json'),
          },
        },
        400,
        'malformed_payload',
      ],
      [
        'an unknown provider',
        { ...signed('{"id":"x5"}'), url: '/webhooks/nobody' },
        404,
        'unknown_provider',
      ],
      [
        'a non-JSON media type',
        {
          ...signed('{"id":"x6"}'),
          headers: { ...signed('{"id":"x6"}').headers, 'content-type': 'text/plain' },
        },
        415,
        'unsupported_media_type',
      ],
      [
        'a body over 256 KB',
        signed(`{"id":"x7","pad":"${'x'.repeat(300 * 1024)}"}`),
        413,
        'payload_too_large',
      ],
    ])(
      'answers %s with a problem and records the rejection without the body',
      async (_case, request, status, code) => {
        const response = await api.app.inject(request);
        await api.deps.rejectionRecorder.flush();

        expect(response.statusCode).toBe(status);
        expect(response.headers['content-type']).toContain('application/problem+json');
        expect(response.json()).toMatchObject({ status, code });
        const rejection = (await eventsOfType('WebhookRejected')).find(
          (e) => e.data.reason === code,
        );
        expect(rejection).toBeDefined();
        expect(rejection?.data).toMatchObject({ reason: code, sourceIp: expect.any(String) });
        expect(rejection?.data.headerNames).toEqual(expect.arrayContaining(['content-type']));
        expect(JSON.stringify(rejection?.data)).not.toContain('"id":"x');
        expect(await streamsStartingWith('acme#delivery#sandbox#x')).toBe(0);
      },
    );
  });

  describe('when bad requests flood in', () => {
    it('stores a bounded number of rejections and counts the rest', async () => {
      const flooded = await createTestLedger('webhooks-flood');
      const floodApi = await createTestApi(flooded, {
        config: {
          ...(await import('../testing/test-api')).TEST_CONFIG,
          webhooks: { rejectionAuditPerSecond: 1, rejectionAuditBurst: 5 },
        },
      });
      const bad = signed('{"id":"flood"}', { 'x-signature': 'cd'.repeat(32) });

      for (let i = 0; i < 60; i++) await floodApi.app.inject(bad);
      await floodApi.close();

      const scan = await flooded.client.send(new ScanCommand({ TableName: flooded.tables.events }));
      const items = (scan.Items ?? []).map((item) => unmarshall(item));
      const stored = items.filter((i) => i.type === 'WebhookRejected');
      const summaries = items.filter((i) => i.type === 'WebhookRejectionsSuppressed');
      const counted = summaries.reduce((sum, s) => sum + Number(s.data.count), 0);
      expect(stored.length).toBeGreaterThanOrEqual(5);
      expect(stored.length).toBeLessThan(15);
      expect(stored.length + counted).toBe(60);
      expect(summaries[0].data.byReason).toMatchObject({ invalid_signature: counted });
      await flooded.close();
    });
  });

  describe('when storage is unreachable', () => {
    it('answers 503 store_unavailable with Retry-After, so the provider retries', async () => {
      const nowhere = createLedgerStorage({ endpoint: `http://127.0.0.1:${await freePort()}` });
      const downApi = await createTestApi(ledger, { storage: nowhere });

      const response = await downApi.app.inject(signed('{"id":"evt_down"}'));
      await downApi.close();
      closeLedgerStorage(nowhere);

      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.json()).toMatchObject({ code: 'store_unavailable' });
    });
  });
});
