import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadLedgerConfig } from '@ledger/config';
import { signFor } from '@ledger/webhooks';

const ROOT = join(__dirname, '..', '..', '..', '..');
const doc = readFileSync(join(ROOT, 'docs', 'webhooks.md'), 'utf8');
const section = doc.slice(doc.indexOf('### By hand'), doc.indexOf('### The fields'));
// The first block sets URL, PAYMENT and TS; each further one is a scheme's recipe.
const recipes = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].slice(1).map(([, block]) => {
  const line = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}=`));
  return {
    provider: /\/webhooks\/([a-z0-9-]+)"/.exec(block)?.[1] ?? '',
    lines: ['SECRET', 'ID', 'BODY', 'SIG'].map(line).filter((l) => l !== undefined),
  };
});
const providers = loadLedgerConfig(join(ROOT, 'ledger.config.yaml')).providers;

describe('the curl and openssl recipes of docs/webhooks.md', () => {
  it('cover the four schemes', () => {
    const schemes = recipes.map((r) => providers.find((p) => p.name === r.provider)?.scheme);

    expect(schemes.sort()).toEqual(['github', 'hmac-sha256', 'standard-webhooks', 'stripe']);
  });

  describe.each(recipes)('when the $provider recipe signs', ({ provider: name, lines }) => {
    it('its openssl line gives the signature the ledger expects', () => {
      const provider = providers.find((p) => p.name === name)!;
      const script = [
        'set -euo pipefail',
        'TS=1767323045',
        'PAYMENT=pay_recipe',
        ...lines,
        'printf "%s\\n%s\\n%s" "$SIG" "${ID:-}" "$BODY"',
      ].join('\n');

      const [signature, id, body] = execFileSync('bash', ['-c', script], {
        encoding: 'utf8',
      }).split('\n');

      const expected = signFor(provider.scheme, provider.secrets[0], body, {
        id: id === '' ? undefined : id,
        timestamp: new Date(1767323045 * 1000),
      });
      expect(signature.length).toBeGreaterThan(20);
      expect(Object.values(expected)).toContainEqual(expect.stringContaining(signature));
      expect(JSON.parse(body)).toMatchObject({ id: expect.any(String) });
    });
  });
});
