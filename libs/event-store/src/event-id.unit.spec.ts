import { decodeTime } from 'ulid';
import { newUlid, pooledRandom } from './event-id';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('newUlid', () => {
  it('makes distinct ULIDs of the current time across many refills of its pool', () => {
    // Arrange
    const before = Date.now();

    // Act: 10,000 ids draw 160,000 bytes, about 40 refills of the 4 KB pool.
    const ids = Array.from({ length: 10_000 }, () => newUlid());

    // Assert
    expect(ids.every((id) => ULID.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(decodeTime(ids[0])).toBeGreaterThanOrEqual(before);
    expect(decodeTime(ids.at(-1)!)).toBeLessThanOrEqual(Date.now());
  });

  it('uses every character of the alphabet in its random part, evenly', () => {
    // Arrange
    const counts = new Map<string, number>();

    // Act
    for (let i = 0; i < 4_000; i++) {
      for (const char of newUlid().slice(10)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }

    // Assert: 64,000 characters over 32 symbols, 2,000 each expected.
    expect(counts.size).toBe(32);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(1_700);
      expect(count).toBeLessThan(2_300);
    }
  });
});

describe('pooledRandom', () => {
  it('returns a fraction in [0, 1) on a byte grid', () => {
    const values = Array.from({ length: 5_000 }, () => pooledRandom());

    expect(values.every((v) => v >= 0 && v < 1 && Number.isInteger(v * 256))).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(200);
  });
});
