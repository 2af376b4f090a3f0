import { ledgerTemplateRules } from './ledger-rules';
import { ledgerTemplatePath, rulesFromTemplate } from './template-rules';

describe('the ledger rules compiled into the build', () => {
  it('are the rules template.yaml deploys (run `npm run rules:generate` when this fails)', () => {
    expect(ledgerTemplateRules()).toEqual(rulesFromTemplate(ledgerTemplatePath()));
  });

  it('hand each caller a copy of its own', () => {
    const mine = ledgerTemplateRules();
    mine[0].targets.push('SomeoneElse');

    expect(ledgerTemplateRules()[0].targets).not.toContain('SomeoneElse');
  });
});
