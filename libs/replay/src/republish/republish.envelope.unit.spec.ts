import type { IntegrationEvent } from '@ledger/contracts';
import { eventBridgeTime, toBusEnvelope } from './republish.envelope';

describe('toBusEnvelope', () => {
  const event: IntegrationEvent = {
    source: 'integration-ledger',
    detailType: 'payment.succeeded',
    detail: {
      eventId: '01JEVENT',
      occurredAt: '2026-01-01T10:00:00.000Z',
      tenantId: 'acme',
      paymentId: 'pay_1',
      streamVersion: 3,
      schemaVersion: 1,
      replay: true,
      data: {
        amount: 5000,
        currency: 'EUR',
        capturedAmount: 5000,
        source: 'gateway_response',
      },
    },
  };

  describe('when built with only an id and a time', () => {
    it('is shaped as EventBridge delivers to a target, with the local account and region', () => {
      const envelope = toBusEnvelope(event, {
        id: 'env-1',
        time: new Date('2026-02-03T04:05:06.789Z'),
      });

      expect(envelope).toEqual({
        version: '0',
        id: 'env-1',
        'detail-type': 'payment.succeeded',
        source: 'integration-ledger',
        account: '000000000000',
        time: '2026-02-03T04:05:06Z',
        region: 'us-east-1',
        resources: [],
        detail: event.detail,
      });
    });

    it('keeps the original eventId and the replay flag in the detail', () => {
      const envelope = toBusEnvelope(event, { id: 'env-1', time: new Date() });

      expect(envelope.detail).toMatchObject({ eventId: '01JEVENT', replay: true });
    });
  });

  describe('when an account and region are given', () => {
    it('uses them', () => {
      const envelope = toBusEnvelope(event, {
        id: 'env-1',
        time: new Date(),
        account: '123456789012',
        region: 'eu-west-1',
      });

      expect(envelope).toMatchObject({ account: '123456789012', region: 'eu-west-1' });
    });
  });
});

describe('eventBridgeTime', () => {
  it('drops the milliseconds', () => {
    expect(eventBridgeTime(new Date('2026-01-01T00:00:00.000Z'))).toBe('2026-01-01T00:00:00Z');
  });
});
