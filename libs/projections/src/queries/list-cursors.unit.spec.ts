import { InvalidCursorError, ListCursors } from './list-cursors';

const FILTERS = { tenantId: 'acme', customerId: 'cus_1', from: '2026-01-01T00:00:00.000Z' };
const KEY = 'test-cursor-key-not-secret';

describe('ListCursors', () => {
  describe('when a cursor comes back with the filters it was issued for', () => {
    it('opens to the position it sealed, on any instance that shares the key', () => {
      const cursor = new ListCursors(KEY).seal('position-1', FILTERS);

      expect(new ListCursors(KEY).open(cursor, { ...FILTERS })).toBe('position-1');
    });
  });

  describe('when a cursor is altered, forged or re-aimed', () => {
    const cursors = new ListCursors(KEY);
    const issued = cursors.seal('position-1', FILTERS);
    const [version, , mac] = issued.split('.');

    it.each([
      [
        'another position under the same mac',
        `${version}.${Buffer.from('position-2').toString('base64url')}.${mac}`,
      ],
      ['no mac', `${version}.${Buffer.from('position-1').toString('base64url')}.`],
      ['an extra part', `${issued}.x`],
      ['not a cursor at all', 'eyJwayI6IiJ9'],
      ['an empty string', ''],
    ])('refuses %s', (_case, cursor) => {
      expect(() => cursors.open(cursor, FILTERS)).toThrow(InvalidCursorError);
    });

    it('refuses it with other filters or for another tenant', () => {
      expect(() => cursors.open(issued, { ...FILTERS, from: undefined })).toThrow(
        InvalidCursorError,
      );
      expect(() => cursors.open(issued, { ...FILTERS, tenantId: 'globex' })).toThrow(
        InvalidCursorError,
      );
    });

    it('refuses one sealed under another key', () => {
      expect(() => new ListCursors('another-key-not-secret').open(issued, FILTERS)).toThrow(
        InvalidCursorError,
      );
    });
  });
});
