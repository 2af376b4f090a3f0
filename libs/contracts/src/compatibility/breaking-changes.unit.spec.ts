import { breakingChanges } from './breaking-changes';
import type { FieldShape, PublishedContracts } from './contract-shape';
import published from './published-contracts.v1.json';

// Each test doctors its own copy of the committed snapshot and compares the copy as "current".
function snapshot(): PublishedContracts {
  return structuredClone(published);
}

function fieldsOf(contracts: PublishedContracts, detailType: string): Record<string, FieldShape> {
  const shape = contracts.detailTypes[detailType];
  if (shape === undefined) throw new Error(`no ${detailType} in the snapshot`);
  return shape.fields;
}

describe('breakingChanges', () => {
  describe('when nothing changed', () => {
    it('finds nothing', () => {
      expect(breakingChanges(snapshot(), snapshot())).toEqual([]);
    });
  });

  describe('when the change is additive', () => {
    it('accepts a new optional field', () => {
      const current = snapshot();
      fieldsOf(current, 'payment.succeeded')['data.authorizationCode'] = {
        type: 'string',
        required: false,
      };

      expect(breakingChanges(snapshot(), current)).toEqual([]);
    });

    it('accepts a new optional object even when its own members are required', () => {
      const current = snapshot();
      Object.assign(fieldsOf(current, 'payment.succeeded'), {
        'data.card': { type: 'object', required: false },
        'data.card.brand': { type: 'string', required: true },
      });

      expect(breakingChanges(snapshot(), current)).toEqual([]);
    });

    it('accepts a new detail-type', () => {
      const current = snapshot();
      current.detailTypes['payment.disputed'] = {
        fields: { eventId: { type: 'string', required: true } },
      };

      expect(breakingChanges(snapshot(), current)).toEqual([]);
    });
  });

  describe('when a change would break an existing consumer', () => {
    it('detects a removed detail-type', () => {
      const current = snapshot();
      delete current.detailTypes['refund.failed'];

      expect(breakingChanges(snapshot(), current)).toEqual([
        'refund.failed: detail-type removed (or renamed); consumers subscribe to it',
      ]);
    });

    it('detects a renamed detail-type', () => {
      const current = snapshot();
      current.detailTypes['payment.captured'] = current.detailTypes['payment.succeeded']!;
      delete current.detailTypes['payment.succeeded'];

      expect(breakingChanges(snapshot(), current)).toEqual([
        'payment.succeeded: detail-type removed (or renamed); consumers subscribe to it',
      ]);
    });

    it('detects a removed field', () => {
      const current = snapshot();
      delete fieldsOf(current, 'payment.succeeded')['data.gatewayTransactionId'];

      expect(breakingChanges(snapshot(), current)).toEqual([
        'payment.succeeded: field data.gatewayTransactionId removed',
      ]);
    });

    it('detects a removed envelope field', () => {
      const current = snapshot();
      delete fieldsOf(current, 'webhook.received').replay;

      expect(breakingChanges(snapshot(), current)).toEqual([
        'webhook.received: field replay removed',
      ]);
    });

    it('detects a field whose type changed', () => {
      const current = snapshot();
      fieldsOf(current, 'refund.succeeded')['data.amount'].type = 'string';

      expect(breakingChanges(snapshot(), current)).toEqual([
        'refund.succeeded: data.amount type changed from integer to string',
      ]);
    });

    it('detects a timestamp that is no longer a date-time', () => {
      const current = snapshot();
      delete fieldsOf(current, 'payment.requested')['data.requestedAt'].format;

      expect(breakingChanges(snapshot(), current)).toEqual([
        'payment.requested: data.requestedAt format changed from date-time to undefined',
      ]);
    });

    it('detects an optional field made required', () => {
      const current = snapshot();
      fieldsOf(current, 'payment.failed')['data.declineCode'].required = true;

      expect(breakingChanges(snapshot(), current)).toEqual([
        'payment.failed: data.declineCode made required (was optional)',
      ]);
    });

    it('detects a required field made optional', () => {
      const current = snapshot();
      fieldsOf(current, 'payment.failed')['data.reason'].required = false;

      expect(breakingChanges(snapshot(), current)).toEqual([
        'payment.failed: data.reason made optional (was required)',
      ]);
    });

    it('detects a new field added as required', () => {
      const current = snapshot();
      fieldsOf(current, 'payment.failed')['data.retryable'] = { type: 'boolean', required: true };

      expect(breakingChanges(snapshot(), current)).toEqual([
        'payment.failed: new field data.retryable is required; add it as optional',
      ]);
    });

    it('detects enum values added and removed', () => {
      const current = snapshot();
      const effect = fieldsOf(current, 'webhook.received')['data.effect'];
      effect.enum = [...(effect.enum ?? []).filter((value) => value !== 'conflict'), 'ignored'];

      expect(breakingChanges(snapshot(), current)).toEqual([
        'webhook.received: data.effect enum values added: ignored',
        'webhook.received: data.effect enum values removed: conflict',
      ]);
    });

    it('detects a changed schema version constant', () => {
      const current = snapshot();
      fieldsOf(current, 'payment.requested').schemaVersion.const = 2;

      expect(breakingChanges(snapshot(), current)).toEqual([
        'payment.requested: schemaVersion constant changed from 1 to 2',
      ]);
    });
  });
});
