/**
 * Writes libs/bus/src/rules/ledger-rules.generated.ts from template.yaml's EventBridge rules.
 * Run from the repository root: `npm run rules:generate` (after changing a rule in the template).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ledger/config';
import { ledgerTemplatePath, renderLedgerRulesModule, rulesFromTemplate } from './template-rules';

const target = join(repoRoot(), 'libs/bus/src/rules/ledger-rules.generated.ts');
writeFileSync(target, renderLedgerRulesModule(rulesFromTemplate(ledgerTemplatePath())), 'utf8');
process.stdout.write(`Wrote ${target}\n`);
