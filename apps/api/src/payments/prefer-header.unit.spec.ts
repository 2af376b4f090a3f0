import { parsePrefer, prefersRespondAsync } from './prefer-header';

describe('the Prefer header (RFC 7240)', () => {
  describe('when it holds several preferences', () => {
    it('reads each, with its value and parameters', () => {
      expect(parsePrefer('respond-async, wait=10, return=minimal; foo="a,b;c"')).toEqual([
        { name: 'respond-async', parameters: {} },
        { name: 'wait', value: '10', parameters: {} },
        { name: 'return', value: 'minimal', parameters: { foo: 'a,b;c' } },
      ]);
    });

    it('reads several headers as one list, names case-insensitively, the first of a name winning', () => {
      expect(parsePrefer(['wait = 5', 'Respond-Async', 'WAIT=9'])).toEqual([
        { name: 'wait', value: '5', parameters: {} },
        { name: 'respond-async', parameters: {} },
      ]);
    });
  });

  describe('when it asks for an asynchronous answer', () => {
    it.each([
      'respond-async',
      'RESPOND-ASYNC',
      'wait=10, respond-async',
      ' respond-async ; x=1 ',
      'handling=lenient,respond-async',
    ])('finds respond-async in %p', (header) => {
      expect(prefersRespondAsync(header)).toBe(true);
    });
  });

  describe('when it does not', () => {
    it.each([
      undefined,
      '',
      'respond-asynchronously',
      'return="respond-async"',
      'foo="respond-async, bar"',
      'respond async',
    ])('finds none in %p', (header) => {
      expect(prefersRespondAsync(header)).toBe(false);
    });
  });
});
