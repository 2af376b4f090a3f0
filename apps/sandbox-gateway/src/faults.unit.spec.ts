import {
  DEFAULT_FAULTS,
  decideFault,
  mergeFaults,
  parseScriptedResponses,
  planWebhook,
  scriptedDecision,
  strikesAfterProcessing,
} from './faults';

const draws = (...values: number[]) => {
  const queue = [...values];
  return jest.fn(() => {
    const next = queue.shift();
    if (next === undefined) throw new Error('unexpected draw');
    return next;
  });
};

describe('decideFault', () => {
  describe('when every rate is 0', () => {
    it('handles the request without drawing', () => {
      const random = draws();

      expect(decideFault(DEFAULT_FAULTS, random)).toEqual({ kind: 'none' });
      expect(random).not.toHaveBeenCalled();
    });
  });

  describe('when rates are set', () => {
    it('hangs before anything else', () => {
      const faults = { ...DEFAULT_FAULTS, hangRate: 0.5, rateLimitRate: 1 };

      expect(decideFault(faults, draws(0.4))).toEqual({ kind: 'hang' });
    });

    it('drops the connection after the hang draw misses', () => {
      const faults = { ...DEFAULT_FAULTS, hangRate: 0.5, dropRate: 0.5, rateLimitRate: 1 };

      expect(decideFault(faults, draws(0.9, 0.1))).toEqual({ kind: 'drop' });
    });

    it('rate-limits with the configured Retry-After', () => {
      const faults = { ...DEFAULT_FAULTS, rateLimitRate: 0.5, retryAfterSeconds: 4 };

      expect(decideFault(faults, draws(0.3))).toMatchObject({
        kind: 'respond',
        status: 429,
        retryAfter: '4',
      });
    });

    it('fails with 500 without Retry-After or 503 with it', () => {
      const faults = { ...DEFAULT_FAULTS, serverErrorRate: 1 };

      expect(decideFault(faults, draws(0, 0.2))).toMatchObject({ status: 500, retryAfter: null });
      expect(decideFault(faults, draws(0, 0.7))).toMatchObject({ status: 503, retryAfter: '1' });
    });

    it('handles the request when the draws miss', () => {
      const faults = { ...DEFAULT_FAULTS, hangRate: 0.1, rateLimitRate: 0.1, serverErrorRate: 0.1 };

      expect(decideFault(faults, draws(0.5, 0.5, 0.5))).toEqual({ kind: 'none' });
    });
  });
});

describe('strikesAfterProcessing', () => {
  it('draws for a fault and lets it strike after processing at the configured rate', () => {
    const faults = { ...DEFAULT_FAULTS, afterProcessingRate: 0.5 };

    expect(strikesAfterProcessing(faults, { kind: 'drop' }, draws(0.2))).toBe(true);
    expect(strikesAfterProcessing(faults, { kind: 'hang' }, draws(0.7))).toBe(false);
  });

  it('draws nothing when there is no fault', () => {
    const random = draws();

    expect(
      strikesAfterProcessing(
        { ...DEFAULT_FAULTS, afterProcessingRate: 1 },
        { kind: 'none' },
        random,
      ),
    ).toBe(false);
    expect(random).not.toHaveBeenCalled();
  });
});

describe('scriptedDecision', () => {
  it('defaults Retry-After on 429 and 503 only', () => {
    expect(scriptedDecision({ status: 429 }, DEFAULT_FAULTS)).toMatchObject({ retryAfter: '1' });
    expect(scriptedDecision({ status: 500 }, DEFAULT_FAULTS)).toMatchObject({ retryAfter: null });
    expect(scriptedDecision({ status: 503, retryAfter: null }, DEFAULT_FAULTS)).toMatchObject({
      retryAfter: null,
    });
  });

  it('uses a scripted body instead of the generic error', () => {
    expect(scriptedDecision({ status: 400, body: { custom: true } }, DEFAULT_FAULTS)).toMatchObject(
      {
        body: { custom: true },
      },
    );
  });
});

describe('planWebhook', () => {
  it('plans early and duplicate deliveries from the draws', () => {
    const faults = { ...DEFAULT_FAULTS, earlyWebhookRate: 0.5, duplicateWebhookRate: 0.5 };

    expect(planWebhook(faults, draws(0.1, 0.9))).toEqual({
      early: true,
      duplicate: false,
      delayMs: 20,
    });
  });
});

describe('mergeFaults', () => {
  it('applies valid changes', () => {
    expect(mergeFaults(DEFAULT_FAULTS, { latencyMs: 50, hangRate: 1 })).toMatchObject({
      latencyMs: 50,
      hangRate: 1,
      rateLimitRate: 0,
    });
  });

  it.each([
    [{ hangRate: 1.5 }],
    [{ latencyMs: -1 }],
    [{ latencyMs: '10' }],
    [{ unknownFault: 1 }],
    [[1]],
  ])('rejects %j', (changes) => {
    expect(() => mergeFaults(DEFAULT_FAULTS, changes)).toThrow(RangeError);
  });
});

describe('parseScriptedResponses', () => {
  it('accepts statuses, hangs and options', () => {
    const input = [
      { status: 500 },
      { status: 429, retryAfter: '2' },
      { hang: true, afterProcessing: true },
    ];

    expect(parseScriptedResponses(input)).toEqual(input);
  });

  it.each([[undefined], [[{ status: 200 }]], [[{ status: 500, retryAfter: 2 }]], [['x']]])(
    'rejects %j',
    (input) => {
      expect(() => parseScriptedResponses(input)).toThrow(RangeError);
    },
  );
});
