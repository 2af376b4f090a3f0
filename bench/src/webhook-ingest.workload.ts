import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchGetItemCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { loadLedgerConfig } from '@ledger/config';
import { itemSizeBytes, toEventItem, type LedgerStorage } from '@ledger/event-store/aws';
import {
  WEBHOOK_RECEIVED,
  deliveryStreamId,
  type ReceiveResult,
  type StoredWebhookReceivedData,
} from '@ledger/webhooks';
import { ulid } from 'ulid';
import { measure } from './harness';
import { LOADGEN_OPTIONS_ENV, type LoadOptions, type LoadResult } from './webhook-ingest.loadgen';
import {
  PROVIDER,
  deliveryId,
  senderHeaders,
  webhookBody,
  type SenderConfig,
} from './webhook-ingest.payload';

/** What the API sees as the sender's address: the load generator connects over loopback. */
const SOURCE_IP = '127.0.0.1';
/** Past the run's own duration: start-up, the last sample, printing the result. */
const LOADGEN_GRACE_MS = 60_000;

/** The `sandbox` provider as the committed configuration declares it (the API reads the same). */
export function sandboxSender(configPath: string): SenderConfig {
  const provider = loadLedgerConfig(configPath).providers.find((p) => p.name === PROVIDER);
  if (provider === undefined) throw new Error(`${configPath} declares no '${PROVIDER}' provider`);
  return { tenant: provider.tenant, scheme: provider.scheme, secret: provider.secrets[0] };
}

export function deliveryPk(sender: SenderConfig, id: string): string {
  return deliveryStreamId(sender.tenant, PROVIDER, id);
}

/**
 * One signed delivery through the API, before any load: proves the route, the signature and
 * the storage work, so a misconfiguration fails here with its answer instead of as 100% non-2xx.
 */
export async function probeDelivery(
  baseUrl: string,
  sender: SenderConfig,
  id: string,
): Promise<void> {
  const body = webhookBody(id);
  const response = await fetch(`${baseUrl}/webhooks/${PROVIDER}`, {
    method: 'POST',
    headers: senderHeaders(sender, id, body),
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (response.status !== 200) {
    throw new Error(
      `POST /webhooks/${PROVIDER} answered ${response.status} to a signed delivery, ` +
        `expected 200; aborting the scenario. Body: ${text}`,
    );
  }
  const result = JSON.parse(text) as Partial<ReceiveResult>;
  if (result.received !== true || result.duplicate !== false) {
    throw new Error(`POST /webhooks/${PROVIDER} answered 200 with an unexpected body: ${text}`);
  }
}

/**
 * Runs the load generator in its own process (compiled next to this file) and returns what it
 * measured. Its failure, or a run that overstays, rejects with its stderr.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const script = join(__dirname, 'webhook-ingest.loadgen.js');
  if (!existsSync(script)) {
    return Promise.reject(new Error(`${script} is missing: run the bench from its build`));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      // Options (the signing secret among them) by environment: not visible in `ps`.
      env: { ...process.env, [LOADGEN_OPTIONS_ENV]: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(
      () => child.kill('SIGKILL'),
      options.durationSeconds * 1000 + LOADGEN_GRACE_MS,
    );
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || line === '') {
        reject(
          new Error(
            `Load generator exited with ${signal ?? `code ${code}`}: ${stderr.trim() || stdout}`,
          ),
        );
        return;
      }
      try {
        resolve(JSON.parse(line) as LoadResult);
      } catch (error) {
        reject(new Error(`Load generator printed no JSON result: ${line}`, { cause: error }));
      }
    });
  });
}

export interface RawPutWorkload {
  put(): Promise<void>;
  /** Delivery id of the latest raw put, to read it back. */
  lastId(): string | undefined;
}

/**
 * The raw write the receiver's store call boils down to: one conditional PutItem of an item
 * shaped like the stored WebhookReceived event, with the same body bytes and header set as the
 * load generator sends, so the two sides write items of the same size.
 */
export function rawPutWorkload(
  storage: LedgerStorage,
  sender: SenderConfig,
  options: { idPrefix: string; host: string },
): RawPutWorkload {
  const { dynamoDb, tables } = storage;
  let seq = 0;
  let last: string | undefined;
  return {
    async put() {
      const id = deliveryId(options.idPrefix, ++seq);
      const body = webhookBody(id);
      const sentAt = new Date();
      // As Node hands them to the receiver: lower-cased, those autocannon adds included.
      const headers: Record<string, string> = {
        host: options.host,
        connection: 'keep-alive',
        ...senderHeaders(sender, id, body, sentAt),
        'content-length': String(body.length),
      };
      const now = new Date().toISOString();
      // The stored shape: what follows from the body and headers is not stored.
      const data: StoredWebhookReceivedData = {
        provider: PROVIDER,
        scheme: sender.scheme,
        deliveryId: id,
        deliveryIdSource: 'scheme',
        body,
        headers,
        // The signed time has whole seconds, as the verifier reports it.
        signedAt: new Date(Math.floor(sentAt.getTime() / 1000) * 1000).toISOString(),
        receivedAt: now,
        sourceIp: SOURCE_IP,
      };
      const item = toEventItem({
        streamId: deliveryPk(sender, id),
        version: 1,
        eventId: ulid(),
        type: WEBHOOK_RECEIVED,
        schemaVersion: 1,
        data,
        metadata: {
          tenantId: sender.tenant,
          correlationId: ulid(),
          source: 'webhook',
          actor: `provider:${PROVIDER}`,
        },
        recordedAt: now,
      });
      await dynamoDb.send(
        new PutItemCommand({
          TableName: tables.events,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      last = id;
    },
    lastId: () => last,
  };
}

/** Size of a stored delivery's event, as DynamoDB counts it; undefined when it is not there. */
export async function storedDeliverySize(
  storage: LedgerStorage,
  pk: string,
): Promise<number | undefined> {
  const { Item } = await storage.dynamoDb.send(
    new GetItemCommand({
      TableName: storage.tables.events,
      Key: { pk: { S: pk }, sk: { N: '1' } },
      ConsistentRead: true,
    }),
  );
  return Item === undefined ? undefined : itemSizeBytes(Item);
}

/** Keys per BatchGetItem: DynamoDB's maximum. */
const BATCH_GET_KEYS = 100;
const BATCH_GET_IN_FLIGHT = 4;

/**
 * The stream ids among `pks` that have no version-1 event. Key lookups, not a scan: a scan of
 * the whole events table takes minutes on DynamoDB Local once earlier scenarios have filled it.
 */
export async function missingEvents(
  storage: LedgerStorage,
  pks: readonly string[],
): Promise<string[]> {
  const found = new Set<string>();
  const batches: string[][] = [];
  for (let i = 0; i < pks.length; i += BATCH_GET_KEYS) {
    batches.push(pks.slice(i, i + BATCH_GET_KEYS));
  }
  const table = storage.tables.events;
  await measure({
    name: 'webhook-ingest stored check',
    inFlight: BATCH_GET_IN_FLIGHT,
    total: Math.max(1, batches.length),
    op: async (i) => {
      let keys: Record<string, AttributeValue>[] = (batches[i] ?? []).map((pk) => ({
        pk: { S: pk },
        sk: { N: '1' },
      }));
      // DynamoDB may leave keys unprocessed under load; ask again for those only.
      while (keys.length > 0) {
        const output = await storage.dynamoDb.send(
          new BatchGetItemCommand({
            RequestItems: {
              [table]: {
                Keys: keys,
                ProjectionExpression: '#pk',
                ExpressionAttributeNames: { '#pk': 'pk' },
                ConsistentRead: true,
              },
            },
          }),
        );
        for (const item of output.Responses?.[table] ?? []) {
          if (item.pk?.S !== undefined) found.add(item.pk.S);
        }
        keys = output.UnprocessedKeys?.[table]?.Keys ?? [];
      }
    },
  });
  return pks.filter((pk) => !found.has(pk));
}
