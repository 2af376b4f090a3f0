import { LedgerError } from '@ledger/errors';

/**
 * A ledger event that cannot be turned into its integration event: the state handed in is not
 * the event's payment, or the stored data holds a value the contract has no name for. A bug or
 * corrupt data, never a caller's mistake, so the publisher should park the record, not retry it.
 */
export class ContractMappingError extends LedgerError {
  readonly code = 'contract_mapping_failed';
  readonly status = 500;
}
