import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every `Handler:` of template.yaml, loaded from the built artefact the way Lambda's Node.js
 * runtime loads it: the module is the path up to the first dot after the last slash, the export
 * is the rest. Each load runs in a fresh `node` process, as a cold start does, with no ledger
 * environment: a handler may read its configuration when invoked, not when loaded.
 */

const ROOT = join(__dirname, '..');

const handlers = [
  ...readFileSync(join(ROOT, 'template.yaml'), 'utf8').matchAll(/^\s+Handler:\s*(\S+)\s*$/gm),
].map(([, handler]) => handler);

function exportedType(handler: string): string {
  const dot = handler.indexOf('.', handler.lastIndexOf('/'));
  const module = join(ROOT, handler.slice(0, dot));
  const exportName = handler.slice(dot + 1);
  const script = `process.stdout.write(typeof require(${JSON.stringify(module)})[${JSON.stringify(exportName)}])`;
  return execFileSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
}

describe('the template’s handlers in the built artefact', () => {
  it('are all read from the template', () => {
    expect(handlers.length).toBeGreaterThanOrEqual(7);
  });

  it.each([...new Set(handlers)])('%s loads and exports a function', (handler) => {
    expect(exportedType(handler)).toBe('function');
  });
});
