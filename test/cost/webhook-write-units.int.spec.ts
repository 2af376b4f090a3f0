import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { createDynamoDbClient } from '@ledger/event-store/aws';
import { startLocalBus, type RunningLocalBus } from '@ledger/local-bus';
import {
  decodePaymentEvent,
  handleCommand,
  paymentDecider,
  paymentStreamId,
  type PaymentCommand,
} from '@ledger/ledger';
import { createLogger } from '@ledger/observability';
import { TenantGateways } from '@ledger/outbound';
import { CONSUMER_ROOTS } from '@ledger/stream-processor-app';
import { createLambdaStreamHandler, streamConsumerAdapters } from '@ledger/stream-consumer/aws';
import {
  OperationMeter,
  WriteMeter,
  type MeteredOperation,
  createTestLedger,
  templateTableShapes,
  type TestLedger,
} from '@ledger/testing';
import { ProviderRegistry, RejectionRecorder, WebhookReceiver, signFor } from '@ledger/webhooks';
import { webhookAdapters } from '@ledger/webhooks/aws';
import { EventsStreamReader } from '../support/stream-events';
import { TEMPLATE_PATH, consumerFilters, passesFilters } from './consumer-template';

const SECRET = 'whsec_dGVzdC1zZWNyZXQtbm90LXJlYWwtMTIzNDU2Nzg5MA==';
// The signature's timestamp is checked against the real clock, so the scenario runs at today's time.
const NOW = new Date().toISOString();

/**
 * What a webhook that confirms a known payment costs now, all tables and indexes as template.yaml
 * declares them (docs/deploy.md, "Cost"); issue #14 asked for at most 8.
 */
const WRITE_UNIT_TARGET = 6;
/** Issue #18: at most 4 DynamoDB write requests per such delivery, from intake to publication. */
const WRITE_OPERATION_TARGET = 4;

type LambdaHandler = (event: DynamoDBStreamEvent) => Promise<unknown>;

describe('the write units of a webhook that confirms a known payment', () => {
  let ledger: TestLedger;
  let bus: RunningLocalBus;
  let eventBridge: EventBridgeClient;
  let stream: EventsStreamReader;
  let meter: WriteMeter;
  let operations: OperationMeter;
  let receiver: WebhookReceiver;
  let recorder: RejectionRecorder;
  const handlers: { name: string; filters: object[]; handle: LambdaHandler }[] = [];

  beforeAll(async () => {
    ledger = await createTestLedger('cost', { clock: () => new Date(NOW) });
    bus = await startLocalBus({ rules: [] });
    eventBridge = createEventBridgeClient(bus.url);
    stream = new EventsStreamReader(ledger.storage, process.env.DYNAMODB_ENDPOINT!);
    const filters = consumerFilters();
    const context = {
      storage: ledger.storage,
      logger: createLogger('silent'),
      eventBridge,
      clock: () => new Date(NOW),
      // The charger acts on no webhook event: it needs no gateway account here.
      gateways: new TenantGateways(new Map()),
    };
    const { parkingLot } = streamConsumerAdapters(ledger.storage);
    for (const [name, compose] of Object.entries(CONSUMER_ROOTS)) {
      handlers.push({
        name,
        filters: filters[name] ?? [],
        handle: createLambdaStreamHandler(compose(context), parkingLot),
      });
    }
    recorder = new RejectionRecorder(ledger.store);
    receiver = new WebhookReceiver(
      ledger.store,
      new ProviderRegistry([
        { name: 'sandbox', tenant: 'acme', scheme: 'standard-webhooks', secrets: [SECRET] },
      ]),
      webhookAdapters(ledger.storage).deliveryStats,
      recorder,
      () => new Date(NOW),
    );
    const reader = createDynamoDbClient(process.env.DYNAMODB_ENDPOINT);
    const shapes = templateTableShapes(TEMPLATE_PATH);
    meter = new WriteMeter({ prefix: ledger.prefix, shapes, reader });
    operations = new OperationMeter(ledger.prefix);
  });

  afterAll(async () => {
    meter.detach();
    await recorder.close();
    eventBridge.destroy();
    stream.close();
    await bus.stop();
    await ledger.close();
  });

  async function command(paymentId: string, type: PaymentCommand['type'], data: object) {
    return handleCommand(
      ledger.store,
      paymentDecider,
      decodePaymentEvent,
      paymentStreamId('acme', paymentId),
      { type, data, metadata: { now: NOW, tenantId: 'acme' } } as PaymentCommand,
    );
  }

  /**
   * Hands each consumer the stream records it has not seen (in Lambda's JSON shape) that its
   * filters let through, until no consumer has anything new.
   */
  async function runConsumers(): Promise<number> {
    let handled = 0;
    for (;;) {
      let fresh = 0;
      for (const { name, filters, handle } of handlers) {
        // The test's own reads of the stream are not the pipeline's.
        operations.phase('harness');
        const { Records } = await stream.nextBatch(name);
        fresh += Records.length;
        const batch = Records.filter((record) => passesFilters(filters, record));
        meter.phase(name);
        operations.phase(name);
        if (batch.length > 0) await handle({ Records: batch });
        handled += batch.length;
      }
      if (fresh === 0) return handled;
    }
  }

  async function deliver(payload: object): Promise<void> {
    const body = Buffer.from(JSON.stringify(payload));
    await receiver.receive({
      provider: 'sandbox',
      rawBody: body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Sandbox-Gateway/1.0',
        'content-length': String(body.length),
        ...signFor('standard-webhooks', SECRET, body, {
          id: 'evt_01JZ7Q4W8K3N2M5P6R7S8T9V0W',
          timestamp: new Date(NOW),
        }),
      },
      sourceIp: '203.0.113.7',
    });
  }

  /**
   * The scenario both specs read: a known payment concluded by the gateway's webhook, from
   * intake through every stream consumer, metered from the delivery on.
   */
  beforeAll(async () => {
    // Arrange: a payment the gateway accepted; its answer's transaction id is already linked.
    await command('pay_cost', 'RequestPayment', {
      paymentId: 'pay_cost',
      amount: 4200,
      currency: 'EUR',
      customerId: 'cus_7781',
      orderId: 'ord_5521',
    });
    await command('pay_cost', 'RecordGatewayAttempt', {
      operation: 'charge',
      attempt: 1,
      idempotencyKey: 'pay_cost:charge:1',
      method: 'POST',
      path: '/charges',
      startedAt: NOW,
      durationMs: 85,
      outcome: 'succeeded',
      httpStatus: 202,
      gatewayTransactionId: 'ch_01JZ7Q3X',
      breakerState: 'closed',
    });
    await runConsumers();
    meter.attach(ledger.client);
    operations.attach(ledger.client);

    // Act: the gateway's webhook arrives, then the stream consumers run as Lambda would run them.
    meter.phase('intake');
    operations.phase('intake');
    await deliver({
      id: 'evt_01JZ7Q4W8K3N2M5P6R7S8T9V0W',
      type: 'payment.completed',
      created: 1780315200,
      data: {
        transactionId: 'ch_01JZ7Q3X',
        paymentId: 'pay_cost',
        orderId: 'ord_5521',
        amount: 4200,
        currency: 'EUR',
      },
    });
    await runConsumers();
    meter.detach();
    operations.detach();
  });

  it(`costs ${WRITE_UNIT_TARGET} write units, itemised by table and index`, async () => {
    // Assert
    const { events } = await ledger.store.readStream(paymentStreamId('acme', 'pay_cost'));
    expect(events.map((event) => event.type)).toEqual([
      'PaymentRequested',
      'GatewayCallAttempted',
      'PaymentSucceeded',
    ]);
    // The one event links the delivery too (`webhook`), within the 1 KB of one write unit.
    expect(events[2].data).toMatchObject({ webhook: { provider: 'sandbox' } });
    // The figures docs/deploy.md ("Cost") quotes: printed so a change in them is seen.
    process.stdout.write(
      `write units per webhook: ${meter.total()}\n${JSON.stringify(
        { breakdown: meter.breakdown(), writes: meter.writes },
        null,
        1,
      )}\n`,
    );
    // DynamoDB Local reports consumed capacity per table and index: the same count, less the
    // transactional 2x it does not apply.
    expect(meter.reportedTotal()).toBe(meter.total() - meter.transactionSurcharge());
    expect(meter.total()).toBe(WRITE_UNIT_TARGET);
    // Nothing but the delivery, the payment's one new event (the success carrying the link: one
    // single put, no transaction) and its row: no correlation-index write, no second row write,
    // and a list index (which holds no status) untouched by the conclusion.
    expect(meter.breakdown()).toEqual({
      intake: { events: 1, 'events/time-index': 1 },
      correlator: { events: 1, 'events/time-index': 1 },
      projector: { 'read-models': 1, 'read-models/unsettled': 1 },
    });
    expect(meter.transactionSurcharge()).toBe(0);
  });

  it(`takes at most ${WRITE_OPERATION_TARGET} write operations through the whole pipeline, and these reads`, () => {
    const pipeline = (op: MeteredOperation) => op.phase !== 'harness';
    const writes = operations.describe((op) => pipeline(op) && op.write);
    const reads = operations.describe((op) => pipeline(op) && !op.write);
    // The figures docs/benchmarks.md lists: printed so a change in them is seen.
    process.stdout.write(`operations per webhook:\n${[...writes, ...reads].join('\n')}\n`);

    expect(writes.length).toBeLessThanOrEqual(WRITE_OPERATION_TARGET);
    // The delivery, the payment's one new event, and its document: one request each.
    expect(writes).toEqual([
      'intake: PutItem events',
      'correlator: PutItem events',
      'projector: PutItem read-models',
    ]);
    // The correlator: once per batch, the waiting entries its deliveries may have left (up to 100
    // a request), then the payment's stream (one read says it exists and decides); for the event
    // it wrote, once per batch, the links of the transaction ids its events bring (already there:
    // the waiting list is not read again). The projector: the documents of its batch's payments,
    // here one, in one request (up to 100 a request). The publisher reads nothing from DynamoDB.
    // Left out: the projector's read of the generation pointer (`GetItem meta`), at most one a
    // second per process whatever the load.
    expect(reads.filter((read) => read !== 'projector: GetItem meta')).toEqual([
      'correlator: BatchGetItem meta',
      'correlator: Query events',
      'projector: BatchGetItem read-models',
      'correlator: BatchGetItem meta',
    ]);
  });
});
