import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The libs form a layered graph: no lib imports, through any of its entries, a lib that imports it
 * back. Lint sees one import at a time; a cycle only shows across libs. Specs are left out: a test
 * may drive a lib through the ones above it.
 */

const LIBS = join(__dirname, '..', 'libs');

/** The `@ledger/<lib>` names each lib's shipped files import (any entry), other than its own. */
function libDependencies(): Map<string, Set<string>> {
  const libs = readdirSync(LIBS);
  const graph = new Map<string, Set<string>>();
  for (const lib of libs) {
    const imported = new Set<string>();
    const sources = readdirSync(join(LIBS, lib, 'src'), { recursive: true, encoding: 'utf8' });
    for (const file of sources) {
      if (!file.endsWith('.ts') || /\.spec(-helper)?\.ts$|\.contract\.ts$/.test(file)) continue;
      const text = readFileSync(join(LIBS, lib, 'src', file), 'utf8');
      for (const [, target] of text.matchAll(/from '@ledger\/([a-z-]+)(?:\/[a-z-]+)?'/g)) {
        if (target !== lib && libs.includes(target)) imported.add(target);
      }
    }
    graph.set(lib, imported);
  }
  return graph;
}

/** Every cycle's libs, as found by a depth-first walk (one path per cycle entry met). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const walk = (lib: string, path: string[]): void => {
    const at = path.indexOf(lib);
    if (at >= 0) {
      found.push([...path.slice(at), lib]);
      return;
    }
    if (done.has(lib)) return;
    for (const next of graph.get(lib) ?? []) walk(next, [...path, lib]);
    done.add(lib);
  };
  for (const lib of graph.keys()) walk(lib, []);
  return found;
}

describe('the libs’ dependencies', () => {
  it('form no cycle', () => {
    const graph = libDependencies();

    expect(cycles(graph)).toEqual([]);
  });

  it('are read from the sources (the domain lib sits on the event store’s port)', () => {
    const graph = libDependencies();

    expect(graph.get('ledger')).toContain('event-store');
    expect(graph.get('payments')).toContain('ledger');
  });

  it('show a cycle when two libs import each other', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
    ]);

    expect(cycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
  });
});
