import { ConsoleSessions, SESSION_TTL_SECONDS } from './console-session';

const operator = { kind: 'operator', operatorId: 'ops' } as const;

describe('ConsoleSessions', () => {
  let now = new Date('2026-01-01T00:00:00.000Z');
  const clock = (): Date => now;

  beforeEach(() => {
    now = new Date('2026-01-01T00:00:00.000Z');
  });

  describe('when a token it issued comes back in time', () => {
    it('gives back the principal', () => {
      const sessions = new ConsoleSessions('a-configured-key-0123', clock);

      expect(sessions.verify(sessions.issue(operator))).toEqual(operator);
    });
  });

  describe('when the token has expired', () => {
    it('refuses it', () => {
      const sessions = new ConsoleSessions('a-configured-key-0123', clock);
      const token = sessions.issue(operator);

      now = new Date(now.getTime() + SESSION_TTL_SECONDS * 1000);

      expect(sessions.verify(token)).toBeUndefined();
    });
  });

  describe('when the claims were changed', () => {
    it('refuses the token', () => {
      const sessions = new ConsoleSessions('a-configured-key-0123', clock);
      const [, signature] = sessions
        .issue({ kind: 'tenant', tenantId: 'acme', admin: false })
        .split('.');
      const claims = Buffer.from(JSON.stringify({ principal: operator, exp: 4e9 })).toString(
        'base64url',
      );

      expect(sessions.verify(`${claims}.${signature}`)).toBeUndefined();
    });
  });

  describe('when another key signed it', () => {
    it('refuses the token', () => {
      const other = new ConsoleSessions('another-configured-key', clock);

      expect(
        new ConsoleSessions('a-configured-key-0123', clock).verify(other.issue(operator)),
      ).toBeUndefined();
    });
  });
});
