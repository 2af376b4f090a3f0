import { LedgerError } from '@ledger/errors';

/** Who asks for replay work: one tenant (its own events only), or an operator (store-wide). */
export type ReplayRequester =
  { kind: 'tenant'; tenantId: string } | { kind: 'operator'; operatorId: string };

/** A tenant's key asking for store-wide work, or for another tenant's. */
export class OperatorKeyRequiredError extends LedgerError {
  readonly code = 'operator_key_required';
  readonly status = 403;

  constructor() {
    super(
      "Store-wide work (and work on another tenant) needs an operator's API key; a tenant key " +
        'reaches its own tenant only',
    );
  }
}
