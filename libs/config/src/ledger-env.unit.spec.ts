import { ConfigError } from './config.errors';
import { reachableHost, readLedgerEnv } from './ledger-env';

const RULE_ARN = 'arn:aws:events:eu-west-1:123456789012:rule/ledger-bus/ledger-PaymentRec-AB12';

describe('readLedgerEnv', () => {
  describe('when a stack passes its generated table names', () => {
    it('reads each name on its own and keeps the prefix for the rest', () => {
      const env = readLedgerEnv({ EVENTS_TABLE: 'stack-EventsTable-1A2B', META_TABLE: ' m ' });

      expect(env.tableNames).toEqual({ events: 'stack-EventsTable-1A2B', meta: 'm' });
      expect(env.tablePrefix).toBe('ledger-');
    });
  });

  describe('when no table name is set (locally)', () => {
    it('gives none, so every table is `<prefix><name>`', () => {
      expect(readLedgerEnv({ TABLE_PREFIX: 'dev-', READ_MODELS_TABLE: '' }).tableNames).toEqual({});
    });
  });

  describe('when the deployed rules are passed', () => {
    it('maps each template rule to its ARN', () => {
      const env = readLedgerEnv({
        LEDGER_RULE_ARNS: `PaymentReceiptsFunction.PaymentOutcomes=${RULE_ARN}, A.B=${RULE_ARN}x`,
      });

      expect(env.ruleArns).toEqual({
        'PaymentReceiptsFunction.PaymentOutcomes': RULE_ARN,
        'A.B': `${RULE_ARN}x`,
      });
    });

    it.each([['A.B'], [`=${RULE_ARN}`], ['A.B=arn:aws:lambda:eu-west-1:1:function:f']])(
      'refuses "%s"',
      (raw) => {
        expect(() => readLedgerEnv({ LEDGER_RULE_ARNS: raw })).toThrow(ConfigError);
      },
    );

    it('has none outside a stack', () => {
      expect(readLedgerEnv({}).ruleArns).toBeUndefined();
    });
  });

  describe('when LEDGER_HOST is unset or set', () => {
    it('listens on 127.0.0.1 by default, on the address asked for, and refuses nonsense', () => {
      expect(readLedgerEnv({}).host).toBe('127.0.0.1');
      expect(readLedgerEnv({ LEDGER_HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
      expect(() => readLedgerEnv({ LEDGER_HOST: 'http://x/' })).toThrow(/LEDGER_HOST/);
    });

    it('reaches a wildcard address on loopback', () => {
      expect(reachableHost('0.0.0.0')).toBe('127.0.0.1');
      expect(reachableHost('::')).toBe('127.0.0.1');
      expect(reachableHost('::1')).toBe('[::1]');
      expect(reachableHost('192.0.2.7')).toBe('192.0.2.7');
    });
  });
});
