import { inspect } from 'node:util';
import { LedgerError } from './ledger-error';

/** A failure nothing handled, as a process prints it before it exits. */
export interface FailureDescription {
  /** True for a LedgerError: raised on purpose, its message says it all. */
  expected: boolean;
  /** The message of an expected failure; a bug's stack, its members and its causes. */
  text: string;
}

/**
 * How the ledger's processes (CLI, API server, stream processor, sandbox) report a failure
 * nothing handled: a LedgerError by its message; anything else is a bug and keeps its stack.
 */
export function describeFailure(error: unknown): FailureDescription {
  if (error instanceof LedgerError) return { expected: true, text: error.message };
  return { expected: false, text: inspect(error) };
}
