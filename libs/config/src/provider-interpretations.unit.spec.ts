import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from './config.errors';
import { InMemoryParameterSource } from './in-memory';
import {
  loadProviderInterpretations,
  loadProviderInterpretationsFromParameter,
  parseProviderInterpretations,
} from './provider-interpretations';

const COMMITTED_PATH = join(__dirname, '..', '..', '..', 'ledger.config.yaml');
const PARAMETER = '/ledger/prod/config';

const mapping = {
  events: { 'charge.ok': 'payment_succeeded' },
  paths: { type: '$.kind', paymentId: "$.data['ledger id']" },
};

describe("the providers' interpreter settings (what the correlator reads)", () => {
  describe('when a deployed document names interpreters and refers to its secrets', () => {
    it('returns each provider’s name, interpreter and mapping, and reads nothing else', async () => {
      const source = new InMemoryParameterSource({
        [PARAMETER]: stringify({
          environment: 'production',
          tenants: [{ id: 'acme', apiKeys: ['secretsmanager:ledger/acme-api-key'] }],
          providers: [
            {
              name: 'stripe-acme',
              tenant: 'acme',
              scheme: 'stripe',
              interpreter: 'stripe',
              secrets: ['secretsmanager:ledger/stripe-webhooks'],
            },
            {
              name: 'mapped',
              tenant: 'acme',
              scheme: 'hmac-sha256',
              interpreter: 'generic',
              mapping,
              secrets: ['ssm:/ledger/mapped-secret', 'env:UNSET_SECRET'],
            },
            { name: 'plain', tenant: 'acme', scheme: 'hmac-sha256', secrets: ['env:UNSET'] },
          ],
        }),
      });

      const providers = await loadProviderInterpretationsFromParameter(PARAMETER, source);

      expect(providers.map((p) => ({ ...p }))).toEqual([
        { name: 'stripe-acme', interpreter: 'stripe' },
        { name: 'mapped', interpreter: 'generic', mapping },
        { name: 'plain', interpreter: 'sandbox' },
      ]);
      expect([...source.reads.keys()]).toEqual([`ssm:${PARAMETER}`]);
    });
  });

  describe('when the document has no providers', () => {
    it('returns none', () => {
      expect(parseProviderInterpretations({ tenants: [] })).toEqual([]);
    });
  });

  describe('when a provider’s interpreter settings are wrong', () => {
    it('refuses them with every problem listed, as the whole configuration does', () => {
      const parse = () =>
        parseProviderInterpretations(
          {
            providers: [
              { name: 'a', interpreter: 'stripes' },
              { name: 'b', interpreter: 'generic' },
              { name: 'c', interpreter: 'generic', mapping: { events: {}, paths: { type: 'x' } } },
            ],
          },
          'SSM parameter /p',
        );

      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(/SSM parameter \/p is invalid/);
      expect(parse).toThrow(/interpreter must be one of: sandbox, stripe, generic/);
    });

    it('names each mapping problem once the interpreters are known', () => {
      const parse = () =>
        parseProviderInterpretations({
          providers: [
            { name: 'b', interpreter: 'generic' },
            { name: 'c', interpreter: 'generic', mapping: { events: {}, paths: { type: 'x' } } },
            { name: 'c', interpreter: 'sandbox' },
          ],
        });

      expect(parse).toThrow(/provider "b": the generic interpreter needs a mapping/);
      expect(parse).toThrow(/provider "c": mapping\.paths\.type must be a path/);
      expect(parse).toThrow(/provider "c" is declared twice/);
    });
  });

  describe('when the committed development file is read (local runs, specs)', () => {
    it('gives its Stripe provider the stripe interpreter and the others sandbox', () => {
      const providers = loadProviderInterpretations(COMMITTED_PATH);

      expect(providers.find((p) => p.name === 'stripe-test')?.interpreter).toBe('stripe');
      expect(providers.find((p) => p.name === 'sandbox')?.interpreter).toBe('sandbox');
    });
  });
});
