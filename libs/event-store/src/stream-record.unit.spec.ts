import { toEventItem } from './infrastructure/event-item.mapper';
import { decodeEventRecord } from './stream-record';

const body = new Uint8Array(Buffer.from('{"id":"evt_1","type":"payment.completed"}'));
const event = {
  streamId: 'acme#delivery#sandbox#msg_1',
  version: 1,
  eventId: '01JZ0000000000000000000000',
  type: 'WebhookReceived',
  schemaVersion: 1,
  data: { body, empty: {} },
  metadata: { tenantId: 'acme' },
  recordedAt: '2026-01-02T03:04:05.678Z',
};

/** An attribute value as Lambda's JSON event carries it: binary values base64-encoded. */
function asLambdaJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(asLambdaJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asLambdaJson(v)]));
  }
  return value;
}

describe('decodeEventRecord', () => {
  describe('when a Lambda event carries a binary attribute as base64 text', () => {
    it('decodes the same bytes as the Streams API record of the same item', () => {
      const image = toEventItem(event);
      const fromStreams = { eventName: 'INSERT', dynamodb: { NewImage: image } };
      const fromLambda = {
        eventName: 'INSERT',
        dynamodb: { NewImage: asLambdaJson(image) as Record<string, unknown> },
      };

      const decoded = decodeEventRecord(fromLambda);

      expect(decoded?.data.body).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(decoded?.data.body as Uint8Array).equals(Buffer.from(body))).toBe(true);
      expect(decoded).toEqual(decodeEventRecord(fromStreams));
    });
  });

  describe('when the record is not an insert', () => {
    it('decodes nothing', () => {
      const record = { eventName: 'MODIFY', dynamodb: { NewImage: toEventItem(event) } };

      expect(decodeEventRecord(record)).toBeUndefined();
    });
  });
});
