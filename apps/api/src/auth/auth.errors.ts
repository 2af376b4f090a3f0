import { LedgerError } from '@ledger/errors';

/** No usable `Authorization: Bearer <api key>`. */
export class UnauthorizedError extends LedgerError {
  readonly code = 'unauthorized';
  readonly status = 401;

  constructor() {
    super('A valid API key is required: Authorization: Bearer <api key>');
  }
}

/** An operator's key on a tenant's resource: operators do store-wide work only. */
export class TenantKeyRequiredError extends LedgerError {
  readonly code = 'tenant_key_required';
  readonly status = 403;

  constructor() {
    super("This resource belongs to a tenant: use the tenant's API key");
  }
}

/** A tenant key without the admin grant on `/admin*`: admin work needs one of the tenant's `adminKeys`. */
export class AdminGrantRequiredError extends LedgerError {
  readonly code = 'admin_grant_required';
  readonly status = 403;

  constructor() {
    super(
      "Admin work needs a key with the admin grant: one of the tenant's adminKeys, or an operator's key",
    );
  }
}
