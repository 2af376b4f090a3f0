import { matchesWildcard, parseWildcard } from './wildcard';

function matches(pattern: string, value: string): boolean {
  return matchesWildcard(parseWildcard(pattern), value);
}

describe('parseWildcard', () => {
  it('splits on unescaped stars and unescapes \\* and \\\\', () => {
    expect(parseWildcard('dir/*.png').segments).toEqual(['dir/', '.png']);
    expect(parseWildcard('a\\*b*c\\\\').segments).toEqual(['a*b', 'c\\']);
    expect(parseWildcard('*').segments).toEqual(['', '']);
  });
});

describe('matchesWildcard', () => {
  it('matches zero, one or many characters for each star', () => {
    expect(matches('*.png', '.png')).toBe(true);
    expect(matches('*Title*', 'My Title Here')).toBe(true);
    expect(matches('Simple*Service', 'SimpleNotificationService')).toBe(true);
    expect(matches('a*b*c', 'abc')).toBe(true);
  });

  it('does not match when the literal parts are missing or overlap', () => {
    expect(matches('*Title*', 'My title')).toBe(false);
    expect(matches('ab*ba', 'aba')).toBe(false);
    expect(matches('a*b*c', 'acb')).toBe(false);
  });

  it('matches exactly when there is no star', () => {
    expect(matches('', '')).toBe(true);
    expect(matches('', 'x')).toBe(false);
  });

  it('stays fast on input built to make backtracking matchers explode', () => {
    const started = Date.now();

    expect(matches(`${'a*'.repeat(50)}b*a`, 'a'.repeat(200_000))).toBe(false);
    // Linear matching takes milliseconds even on a busy machine; backtracking would take hours.
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
