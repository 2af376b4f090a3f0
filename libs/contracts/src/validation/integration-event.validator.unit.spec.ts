import { EVENT_CATALOG_V1 } from '../catalog/event-catalog.v1';
import { DETAIL_TYPES, type IntegrationEventOf } from '../events/integration-events.v1';
import { isInstant, validateIntegrationEvent } from './integration-event.validator';

function succeeded(): IntegrationEventOf<'payment.succeeded'> {
  return structuredClone(EVENT_CATALOG_V1['payment.succeeded'].example);
}

function errorsOf(event: unknown, undocumentedFields?: 'reject' | 'allow'): string[] {
  const result = validateIntegrationEvent(event, { undocumentedFields });
  return result.valid ? [] : result.errors;
}

describe('validateIntegrationEvent', () => {
  describe("when given each detail-type's documented example", () => {
    it.each(DETAIL_TYPES)('accepts %s as producer and as consumer', (detailType) => {
      const example = EVENT_CATALOG_V1[detailType].example;

      expect(validateIntegrationEvent(example)).toEqual({ valid: true });
      expect(validateIntegrationEvent(example, { undocumentedFields: 'allow' })).toEqual({
        valid: true,
      });
    });
  });

  describe('when the detail carries a member the schema does not list', () => {
    const event = succeeded();
    (event.detail.data as Record<string, unknown>).idempotencyKey = 'acme:pay_1:charge';
    (event.detail as Record<string, unknown>).traceId = 'abc';

    it('refuses it by default, naming the member: the producer sends only documented fields', () => {
      expect(errorsOf(event)).toEqual([
        'detail has undocumented member traceId',
        'detail/data has undocumented member idempotencyKey',
      ]);
    });

    it('tolerates it as a consumer would: v1 grows by optional fields', () => {
      expect(errorsOf(event, 'allow')).toEqual([]);
    });
  });

  describe('when the detail breaks its schema', () => {
    it('reports every problem with where it is', () => {
      const event = succeeded();
      const data = event.detail.data as Record<string, unknown>;
      delete data.currency;
      data.capturedAmount = 12.5;
      data.source = 'carrier_pigeon';
      (event.detail as Record<string, unknown>).occurredAt = 'yesterday';

      expect(errorsOf(event)).toEqual(
        expect.arrayContaining([
          'detail/occurredAt must match format "date-time"',
          "detail/data must have required property 'currency'",
          'detail/data/capturedAmount must be integer',
          'detail/data/source must be equal to one of the allowed values',
        ]),
      );
    });

    it('refuses another schema version under a v1 detail-type', () => {
      const event = succeeded();
      (event.detail as Record<string, unknown>).schemaVersion = 2;

      expect(errorsOf(event)).toEqual(['detail/schemaVersion must be equal to constant']);
    });

    it('refuses a lower-case currency and a zero amount', () => {
      const event = succeeded();
      Object.assign(event.detail.data, { currency: 'eur', amount: 0 });

      expect(errorsOf(event)).toEqual([
        'detail/data/amount must be >= 1',
        'detail/data/currency must match pattern "^[A-Z]{3}$"',
      ]);
    });
  });

  describe('when the envelope is not an integration event', () => {
    it.each([
      ['null', null, ['the event must be an object']],
      [
        'an unknown detail-type',
        { ...succeeded(), detailType: 'payment.exploded' },
        ['detailType "payment.exploded" is not a published detail-type'],
      ],
      ['an empty source', { ...succeeded(), source: '' }, ['source must be a non-empty string']],
      ['a missing detail', { ...succeeded(), detail: undefined }, ['detail must be object']],
    ])('refuses %s', (_label, event, expected) => {
      expect(errorsOf(event)).toEqual(expected);
    });
  });
});

describe('isInstant', () => {
  it.each(['2025-03-01T12:00:00.000Z', '2025-03-01T12:00:00Z', '2025-03-01T13:00:00+01:00'])(
    'accepts %s',
    (value) => {
      expect(isInstant(value)).toBe(true);
    },
  );

  it.each(['2025-03-01', '2025-03-01T12:00:00', '2025-13-01T12:00:00Z', 'yesterday'])(
    'refuses %s',
    (value) => {
      expect(isInstant(value)).toBe(false);
    },
  );
});
