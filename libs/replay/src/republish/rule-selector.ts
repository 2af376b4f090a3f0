import { parseEventPattern, type BusEnvelope, type BusRule } from '@ledger/bus';
import { NotFoundError } from '@ledger/errors';

/**
 * What `ruleName`'s pattern selects, from the rules of template.yaml. A republish skips the rest
 * up front rather than having the bus refuse them one by one.
 */
export function ruleSelector(
  rules: readonly BusRule[],
  ruleName: string,
): (envelope: BusEnvelope) => boolean {
  const rule = rules.find((candidate) => candidate.name === ruleName);
  if (rule === undefined) {
    throw new NotFoundError(
      `No rule is named "${ruleName}"; known rules: ${rules.map((r) => r.name).join(', ') || 'none'}`,
      'rule_not_found',
    );
  }
  const pattern = parseEventPattern(rule.pattern);
  return (envelope) => pattern.matches(envelope);
}
