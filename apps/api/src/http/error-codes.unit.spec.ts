import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PATH_ID_GRAMMARS } from '../path-ids/path-id.pipe';
import { FRAMEWORK_PROBLEM_CODES } from './problem-details';
import { CONNECTION_PROBLEM_CODES } from './problem-responder';

/**
 * docs/api.md's table of error codes against the code: every code a LedgerError of the API or of
 * a lib can carry, and every code the API's own mapping gives, is in the table, and the table
 * holds nothing else. Codes that never reach an answer are listed here with the reason.
 */

const ROOT = join(__dirname, '..', '..', '..', '..');

/** Codes raised in the scanned sources that no API answer carries, and why. */
const NOT_ANSWERED: Record<string, string> = {
  usage_error: 'the CLI only',
  config_invalid: 'a configuration refused at start',
  development_config_in_lambda: 'a configuration refused at start',
  invalid_gateway_options: 'a gateway client refused at start',
  java_missing: 'the local engine, at start',
  engine_start_failed: 'the local engine, at start',
  port_in_use: 'the local stack, at start',
  table_not_active: 'the local stack, at start',
  stream_not_enabled: 'the stream consumers',
  record_not_parked: "the CLI's parking-lot commands",
  read_model_contention: 'the projector (the record is delivered again)',
  stream_gap: 'the projector (the record is delivered again)',
  contract_mapping_failed: 'the publisher',
  invalid_event_pattern: 'the bus and the CLI (patterns of template.yaml)',
  rebuild_conflict: "the CLI's blue/green rebuild",
  replay_delivery_failed: 'recorded on a replay job as its error',
  rule_not_found: 'recorded on a replay job as its error (the API refuses unknown rules first)',
  gateway_unreachable: 'internal to the gateway adapter: a network_error attempt',
  retry_scheduled: "internal to the gateway adapter's retry policy",
  charge_not_sent: 'the charger (the record is delivered again)',
  charge_unsettled: 'the charger (the record is delivered again, then parked)',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.includes('.spec') && !name.endsWith('.contract.ts')
      ? [path]
      : [];
  });
}

/** The codes LedgerErrors carry in the API and the libs, by the file that names them. */
function raisedCodes(): Map<string, string> {
  const dirs = [
    join(ROOT, 'apps', 'api', 'src'),
    ...readdirSync(join(ROOT, 'libs')).map((lib) => join(ROOT, 'libs', lib, 'src')),
  ];
  const patterns = [
    /readonly code(?:: string)? = '([a-z_]+)'/g,
    // NotFoundError takes its code as an argument, so do the subclasses' super calls.
    /(?:NotFoundError\(|super\()[\s\S]{0,300}?,\s*'([a-z]+(?:_[a-z]+)+)',?\s*\)/gs,
  ];
  const codes = new Map<string, string>();
  for (const file of dirs.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) {
      for (const [, code] of text.matchAll(pattern)) codes.set(code, relative(ROOT, file));
    }
  }
  for (const kind of Object.keys(PATH_ID_GRAMMARS)) codes.set(`invalid_${kind}_id`, 'path-id.pipe');
  for (const code of [...FRAMEWORK_PROBLEM_CODES, ...CONNECTION_PROBLEM_CODES]) {
    codes.set(code, 'apps/api/src/http');
  }
  return codes;
}

/** The codes of docs/api.md's "Error codes" table. */
function documentedCodes(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Error codes'));
  const table = section.slice(
    0,
    section.indexOf('\n## ') === -1 ? undefined : section.indexOf('\n## '),
  );
  return [...table.matchAll(/^\| `([a-z_]+)` +\|/gm)].map(([, code]) => code);
}

describe('the error codes of docs/api.md', () => {
  const raised = raisedCodes();
  const documented = documentedCodes();

  it('finds the codes it checks (the scan and the table are read)', () => {
    expect(raised.size).toBeGreaterThan(40);
    expect(documented).toContain('validation_failed');
  });

  it('lists every code the service can answer with', () => {
    const answered = [...raised.keys()].filter((code) => !(code in NOT_ANSWERED));

    expect(answered.filter((code) => !documented.includes(code)).sort()).toEqual([]);
  });

  it('lists only codes the service can answer with, each once', () => {
    expect(documented.filter((code) => !raised.has(code) || code in NOT_ANSWERED)).toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('names no unanswered code that the code no longer raises', () => {
    expect(Object.keys(NOT_ANSWERED).filter((code) => !raised.has(code))).toEqual([]);
  });
});
