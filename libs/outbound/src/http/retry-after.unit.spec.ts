import { parseRetryAfter } from './retry-after';

const NOW = Date.UTC(2025, 10, 6, 8, 49, 0); // Thu, 06 Nov 2025 08:49:00 GMT

describe('parseRetryAfter', () => {
  describe('when the header is delta-seconds', () => {
    it('returns the seconds in milliseconds', () => {
      expect(parseRetryAfter('1', NOW)).toBe(1_000);
      expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
      expect(parseRetryAfter('0', NOW)).toBe(0);
    });
  });

  describe('when the header is an HTTP-date', () => {
    it('reads the IMF-fixdate form', () => {
      expect(parseRetryAfter('Thu, 06 Nov 2025 08:49:37 GMT', NOW)).toBe(37_000);
    });

    it('reads the obsolete RFC 850 form, with its two-digit year', () => {
      expect(parseRetryAfter('Thursday, 06-Nov-25 08:49:37 GMT', NOW)).toBe(37_000);
    });

    it('reads the obsolete asctime form as GMT', () => {
      expect(parseRetryAfter('Thu Nov  6 08:49:37 2025', NOW)).toBe(37_000);
    });

    it('returns 0 for a date in the past', () => {
      expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', NOW)).toBe(0);
    });

    it('matches what Date#toUTCString produces', () => {
      const later = new Date(NOW + 90_000).toUTCString();

      expect(parseRetryAfter(later, NOW)).toBe(90_000);
    });
  });

  describe('when the header is missing or malformed', () => {
    it.each([
      null,
      undefined,
      '',
      'soon',
      '-5',
      '1.5',
      'Thu, 31 Feb 2025 08:49:37 GMT',
      '2025-11-06',
    ])('returns undefined for %p', (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    });
  });
});
