import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stageBundles, templateFunctions } from './support/lambda-bundles';

/**
 * Every function of template.yaml, loaded from the bundle its `CodeUri` names (`npm run bundle`)
 * the way Lambda's Node.js runtime loads it: the module is the path up to the first dot after the
 * last slash of `Handler`, the export is the rest. Each load runs in a fresh `node` process, as a
 * cold start does, from a copy outside the repository (a bundle must need no node_modules), with
 * no ledger environment: a handler may read its configuration when invoked, not when loaded.
 */

const ROOT = join(__dirname, '..');

const functions = templateFunctions();
const staged = stageBundles(functions);

afterAll(() => staged.remove());

function exportedType(logicalId: string, handler: string): string {
  const dot = handler.indexOf('.', handler.lastIndexOf('/'));
  const module = join(staged.taskRoots[logicalId], handler.slice(0, dot));
  const exportName = handler.slice(dot + 1);
  const script = `process.stdout.write(typeof require(${JSON.stringify(module)})[${JSON.stringify(exportName)}])`;
  return execFileSync(process.execPath, ['-e', script], {
    cwd: staged.taskRoots[logicalId],
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
}

/** Every file of a bundle directory, relative to it. */
function filesOf(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix)).flatMap((name) => {
    const path = join(prefix, name);
    return statSync(join(dir, path)).isDirectory() ? filesOf(dir, path) : [path];
  });
}

/**
 * Names and text that only development-only code and the development configuration hold (the
 * bundles keep function and class names): ledger.config.yaml's header, DynamoDB Local's launcher,
 * the sandbox gateway, the local bus, the int-test harness and Jest's matchers.
 */
const DEVELOPMENT_MARKERS = [
  'Local example configuration',
  'DynamoDBLocal.jar',
  'JavaMissingError',
  'startSandboxGateway',
  'startLocalBus',
  'createTestLedger',
  'toHaveBeenCalledWith',
];

describe('the template’s handlers in their bundles', () => {
  it('are all read from the template', () => {
    expect(functions.length).toBeGreaterThanOrEqual(7);
    for (const fn of functions) expect(fn.codeUri).toMatch(/^dist\/lambda\//);
  });

  it.each(functions.map((fn) => [fn.logicalId, fn.codeUri, fn.handler]))(
    '%s (%s, %s) loads and exports a function',
    (logicalId, _codeUri, handler) => {
      expect(exportedType(logicalId, handler)).toBe('function');
    },
  );

  it.each(functions.map((fn) => [fn.logicalId, fn.codeUri]))(
    '%s’s bundle holds no development-only code, configuration or package',
    (_logicalId, codeUri) => {
      const dir = join(ROOT, codeUri);
      const files = filesOf(dir);
      const code = readFileSync(join(dir, 'index.js'), 'utf8');

      expect(files).toContain('index.js.map');
      expect(files.filter((file) => /\.ya?ml$|node_modules|\.jar$|\.ts$/.test(file))).toEqual([]);
      for (const marker of DEVELOPMENT_MARKERS)
        expect([marker, code.includes(marker)]).toEqual([marker, false]);
    },
  );
});
