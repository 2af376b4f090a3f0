import { ValidationFailedError } from '@ledger/errors';
import { MalformedPayloadError } from '@ledger/webhooks';
import { BodyTooDeepError, MalformedBodyError } from './http.errors';
import { jsonDepthExceeds, MAX_JSON_DEPTH, parseJsonBody } from './json-body';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

function catchError(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('JSON request bodies', () => {
  describe('when the depth is measured', () => {
    it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
      expect(jsonDepthExceeds(bytes('{"a":[{"b":[1]}]}'), 4)).toBe(false);
      expect(jsonDepthExceeds(bytes('{"a":[{"b":[[1]]}]}'), 4)).toBe(true);
      expect(jsonDepthExceeds(bytes(`{"a":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`), 1)).toBe(
        false,
      );
    });
  });

  describe('when a body is parsed', () => {
    it('parses what is within the bounds', () => {
      expect(parseJsonBody(bytes('{"amount":1,"currency":"EUR"}'))).toEqual({
        amount: 1,
        currency: 'EUR',
      });
    });

    it('refuses a body nested deeper than the limit before parsing it', () => {
      const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);

      expect(() => parseJsonBody(bytes(deep))).toThrow(BodyTooDeepError);
    });

    it('refuses text that is not JSON', () => {
      expect(() => parseJsonBody(bytes('{"amount":'))).toThrow(MalformedBodyError);
      expect(() => parseJsonBody(bytes(''))).toThrow(MalformedBodyError);
    });

    it('refuses it with the one malformed_payload error class the webhooks raise too', () => {
      expect(() => parseJsonBody(bytes('{"amount":'))).toThrow(MalformedPayloadError);
    });

    it('refuses members named like prototype machinery, at any depth, naming them', () => {
      const body = bytes('{"__proto__":{"x":1},"scope":{"constructor":1,"prototype":2}}');

      const refusal = catchError(() => parseJsonBody(body));

      expect(refusal).toBeInstanceOf(ValidationFailedError);
      expect((refusal as ValidationFailedError).errors).toEqual([
        'property __proto__ should not exist',
        'property scope.constructor should not exist',
        'property scope.prototype should not exist',
      ]);
    });
  });
});
