import { LEDGER_RULES } from './ledger-rules.generated';
import type { BusRule } from './bus-rule';

/**
 * The EventBridge rules template.yaml deploys, compiled into the build: a function never reads the
 * template at run time (it is not in the deployment package). A copy per call, so a caller may
 * change its own without touching another's.
 */
export function ledgerTemplateRules(): BusRule[] {
  return structuredClone(LEDGER_RULES) as BusRule[];
}
