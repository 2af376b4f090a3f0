import { timingSafeEqual } from 'node:crypto';
import { anyDigestMatches, constantTimeEqual, payloadId } from './signature.primitives';

// Count calls through to the real comparison to observe that matching never exits early.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

describe('constantTimeEqual', () => {
  describe('when the buffers differ in length', () => {
    it('returns false instead of throwing', () => {
      const result = constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd'));

      expect(result).toBe(false);
    });
  });

  describe('when the buffers have equal length', () => {
    it('tells equal from different content', () => {
      const same = constantTimeEqual(Buffer.from('abcd'), Buffer.from('abcd'));
      const different = constantTimeEqual(Buffer.from('abcd'), Buffer.from('abce'));

      expect([same, different]).toEqual([true, false]);
    });
  });
});

describe('anyDigestMatches', () => {
  describe('when the first pair already matches', () => {
    beforeEach(() => {
      jest.mocked(timingSafeEqual).mockClear();
    });

    it('still compares every expected digest with every presented one', () => {
      const a = Buffer.alloc(32, 1);
      const b = Buffer.alloc(32, 2);

      const matched = anyDigestMatches([a, b], [a, b, Buffer.alloc(32, 3)]);

      expect(matched).toBe(true);
      expect(timingSafeEqual).toHaveBeenCalledTimes(6);
    });
  });
});

describe('payloadId', () => {
  describe('when the body is a JSON object with a string id', () => {
    it('returns the id', () => {
      expect(payloadId(Buffer.from('{"id":"evt_1"}'))).toBe('evt_1');
    });
  });

  describe('when the body is not UTF-8 JSON', () => {
    it('returns undefined', () => {
      expect(payloadId(Buffer.from([0xff, 0xfe, 0x00]))).toBeUndefined();
    });
  });
});
