import { marshall } from '@aws-sdk/util-dynamodb';
import { itemSizeBytes } from './item-size';

describe('itemSizeBytes', () => {
  describe('when an item holds strings and numbers', () => {
    it('counts names, UTF-8 bytes and number digits', () => {
      // "pk"(2) + "é#1"(4 bytes) + "sk"(2) + 12345 (3 digits-pairs + 1 = 4)
      expect(itemSizeBytes(marshall({ pk: 'é#1', sk: 12345 }))).toBe(2 + 4 + 2 + 4);
    });
  });

  describe('when an item holds nested maps and lists', () => {
    it('adds the documented overhead per container and element', () => {
      const size = itemSizeBytes(marshall({ m: { a: 'xy' }, l: ['z'] }));

      // m: 1 + (3 + 1 + "a" 1 + "xy" 2) ; l: 1 + (3 + 1 + "z" 1)
      expect(size).toBe(1 + 7 + 1 + 5);
    });
  });
});
