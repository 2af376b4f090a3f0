import { LedgerError } from '@ledger/errors';
import { ConfigError } from './config.errors';
import { readLedgerEnv } from './ledger-env';

describe('ConfigError', () => {
  describe('when the configuration has problems', () => {
    it('is a LedgerError with a stable code that lists every problem', () => {
      const error = new ConfigError('ledger.config.yaml is invalid', ['a', 'b']);

      expect(error).toBeInstanceOf(LedgerError);
      expect(error).toMatchObject({ code: 'config_invalid', name: 'ConfigError' });
      expect(error.message).toBe('ledger.config.yaml is invalid:\n  - a\n  - b');
    });
  });

  describe('when an environment variable names no port', () => {
    it('is what readLedgerEnv raises', () => {
      const act = () => readLedgerEnv({ LOCAL_BUS_PORT: '70000' });

      expect(act).toThrow(ConfigError);
      expect(act).toThrow('LOCAL_BUS_PORT must be a port number (0-65535), got "70000"');
    });
  });
});
