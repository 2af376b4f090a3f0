import { WEBHOOK_SCHEME_NAMES } from '@ledger/config';
import { SCHEME_NAMES } from './signature-scheme';

describe('when the configuration lists the webhook schemes it accepts', () => {
  it('accepts exactly the schemes the webhooks lib can verify', () => {
    expect([...WEBHOOK_SCHEME_NAMES].sort()).toEqual([...SCHEME_NAMES].sort());
  });
});
