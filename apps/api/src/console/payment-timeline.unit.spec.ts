import type { HistoryEvent } from '@ledger/projections';
import { paymentTimeline } from './payment-timeline';

const event = (version: number, type: string, data: Record<string, unknown>): HistoryEvent => ({
  version,
  eventId: `e${version}`,
  type,
  recordedAt: '2026-01-01T00:00:00.000Z',
  data,
  metadata: {},
});

const attempt = (version: number, changes: Record<string, unknown>): HistoryEvent =>
  event(version, 'GatewayCallAttempted', {
    operation: 'charge',
    attempt: version - 1,
    method: 'POST',
    path: '/charges',
    breakerState: 'closed',
    at: '2026-01-01T00:00:00.000Z',
    ...changes,
  });

describe('paymentTimeline', () => {
  describe('when a charge was retried', () => {
    it('shows each attempt with its outcome, status, duration and the delay before the next', () => {
      const entries = paymentTimeline([
        event(1, 'PaymentRequested', { amount: 100, currency: 'EUR', at: 'x' }),
        attempt(2, {
          outcome: 'server_error',
          httpStatus: 503,
          durationMs: 40,
          startedAt: '2026-01-01T00:00:00.000Z',
        }),
        attempt(3, {
          outcome: 'succeeded',
          httpStatus: 201,
          durationMs: 12,
          startedAt: '2026-01-01T00:00:00.290Z',
        }),
      ]);

      expect(entries.map((e) => e.kind)).toEqual(['command', 'attempt', 'attempt']);
      expect(entries[1].summary).toBe('charge attempt 1: server_error');
      expect(entries[1].facts).toEqual(
        expect.arrayContaining([
          ['status code', '503'],
          ['duration', '40 ms'],
          ['delay before next', '250 ms'],
        ]),
      );
      expect(entries[2].facts.find(([label]) => label === 'delay before next')).toBeUndefined();
    });

    it('prefers the delay the attempt recorded', () => {
      const [entry] = paymentTimeline([
        attempt(2, { outcome: 'timeout', durationMs: 2000, nextDelayMs: 800, startedAt: 'x' }),
      ]);

      expect(entry.facts).toContainEqual(['delay before next', '800 ms']);
    });
  });

  describe('when a webhook delivery was repeated', () => {
    it('says how often it arrived and whether a body differed', () => {
      const linked = event(4, 'WebhookLinked', {
        provider: 'sandbox',
        deliveryId: 'msg_1',
        deliveryStreamId: 'acme#delivery#sandbox#msg_1',
        providerEventType: 'payment.succeeded',
        effect: 'applied',
      });

      const [entry] = paymentTimeline(
        [linked],
        new Map([
          [
            'acme#delivery#sandbox#msg_1',
            { arrivals: 3, conflictingBodies: 1, lastArrivalAt: '2026-01-01T00:00:09.000Z' },
          ],
        ]),
      );

      expect(entry.kind).toBe('webhook');
      expect(entry.facts).toContainEqual([
        'arrivals',
        '3 arrivals (2 repeats, 1 with a different body), last 2026-01-01T00:00:09.000Z',
      ]);
    });
  });

  describe('when the gateway contradicted the ledger', () => {
    it('marks the contradiction as a conflict', () => {
      const [entry] = paymentTimeline([
        event(5, 'PaymentOutcomeContradicted', {
          reported: 'payment_succeeded',
          recordedStatus: 'failed',
          conflict: 'payment_failed_at_ledger',
        }),
      ]);

      expect(entry.kind).toBe('conflict');
      expect(entry.summary).toContain('payment_succeeded');
    });
  });
});
