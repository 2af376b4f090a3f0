import { createHash } from 'node:crypto';
import type { StoredEvent } from '@ledger/event-store';
import { EventUndecodableError } from '@ledger/ledger';
import { decodeWebhookReceived, deliveryStreamId, WEBHOOK_RECEIVED } from './webhook.events';

const AT = '2026-02-01T00:00:00.000Z';

function delivery(data: Record<string, unknown>): StoredEvent {
  const streamId = deliveryStreamId('acme', 'sandbox', 'dlv_1');
  return {
    streamId,
    version: 1,
    eventId: 'evt_1',
    type: WEBHOOK_RECEIVED,
    schemaVersion: 1,
    data,
    metadata: { tenantId: 'acme' },
    recordedAt: AT,
    position: `${AT}#${streamId}#1`,
  };
}

const received = {
  provider: 'sandbox',
  scheme: 'hmac-sha256',
  deliveryId: 'dlv_1',
  deliveryIdSource: 'scheme',
  body: new Uint8Array(Buffer.from('{"type":"payment.succeeded"}')),
  bodySha256: 'ab12',
  bodyBytes: 28,
  contentType: 'application/json',
  headers: { 'content-type': 'application/json' },
  receivedAt: AT,
  sourceIp: '127.0.0.1',
};

describe('decodeWebhookReceived', () => {
  describe('when the stored delivery has every member of its type', () => {
    it('gives its data', () => {
      expect(decodeWebhookReceived(delivery(received))).toStrictEqual(received);
    });
  });

  describe('when the stored delivery leaves out what follows from its body and headers', () => {
    it('gives the body hash and length and the content type all the same', () => {
      const { bodySha256: _hash, bodyBytes: _bytes, contentType: _type, ...stored } = received;

      const decoded = decodeWebhookReceived(delivery(stored));

      expect(decoded).toStrictEqual({
        ...stored,
        bodySha256: createHash('sha256').update(received.body).digest('hex'),
        bodyBytes: 28,
        contentType: 'application/json',
      });
    });
  });

  describe('when a member is missing or of another type', () => {
    it('refuses it with event_undecodable, naming each member', () => {
      const { receivedAt: _receivedAt, ...withoutTime } = received;

      let thrown: unknown;
      try {
        decodeWebhookReceived(delivery({ ...withoutTime, body: 'e30=', headers: { n: 1 } }));
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(EventUndecodableError);
      expect(thrown).toMatchObject({
        code: 'event_undecodable',
        eventType: WEBHOOK_RECEIVED,
        problems: [
          'data.body must be bytes',
          'data.headers must be an object whose every value is a string',
          'data.receivedAt is missing',
        ],
      });
    });
  });
});
