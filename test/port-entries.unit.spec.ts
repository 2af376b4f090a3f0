import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * A lib's port entry (`@ledger/<lib>`) must load no SDK client, Nest or Fastify, not even through
 * another lib: a Lambda that imports a port pays for what that entry loads at cold start. Lint sees
 * one file's imports at a time; this follows the value imports (what the compiled code `require`s)
 * from each entry across files and libs.
 */

const ROOT = join(__dirname, '..');

/** Packages only adapters (`@ledger/<lib>/aws`) and apps may load. */
const INFRASTRUCTURE = /^(@aws-sdk\/|@smithy\/|@nestjs\/|@fastify\/|fastify$)/;

/** Libs that are infrastructure as a whole: the DynamoDB Local engine and the test harness. */
const INFRASTRUCTURE_LIBS = new Set(['local-engine', 'testing']);

const compilerOptions = (() => {
  const configPath = join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  return ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
})();

/** The module specifiers a file loads at run time: type-only imports and exports are erased. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, ts.sys.readFile(file) ?? '', ts.ScriptTarget.ES2022);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typesOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((element) => element.isTypeOnly)));
      if (!typesOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined) {
      const clause = statement.exportClause;
      const typesOnly =
        statement.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((element) => element.isTypeOnly));
      if (!typesOnly) specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every infrastructure package the entry loads, each with the chain of files that reaches it. */
function infrastructureReachedFrom(entry: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const pending: Array<{ file: string; chain: string[] }> = [{ file: entry, chain: [] }];
  while (pending.length > 0) {
    const { file, chain } = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const path = [...chain, relative(ROOT, file)];
    for (const specifier of valueImports(file)) {
      const { resolvedModule } = ts.resolveModuleName(specifier, file, compilerOptions, ts.sys);
      if (resolvedModule === undefined) {
        if (INFRASTRUCTURE.test(packageName(specifier)))
          found.push(`${path.join(' > ')} > ${specifier}`);
        continue;
      }
      if (resolvedModule.isExternalLibraryImport === true) {
        if (INFRASTRUCTURE.test(packageName(specifier)))
          found.push(`${path.join(' > ')} > ${specifier}`);
      } else if (!resolvedModule.resolvedFileName.endsWith('.d.ts')) {
        pending.push({ file: resolvedModule.resolvedFileName, chain: path });
      }
    }
  }
  return found;
}

const portEntries = readdirSync(join(ROOT, 'libs'))
  .filter((lib) => !INFRASTRUCTURE_LIBS.has(lib))
  .map((lib) => [`@ledger/${lib}`, join(ROOT, 'libs', lib, 'src', 'index.ts')] as const);

describe('when a lib is imported through its port entry', () => {
  it('covers every feature and domain lib', () => {
    expect(portEntries.map(([alias]) => alias)).toEqual(
      expect.arrayContaining(['@ledger/ledger', '@ledger/event-store', '@ledger/bus']),
    );
  });

  it.each(portEntries)('%s loads no AWS SDK, NestJS or Fastify package', (_alias, entry) => {
    expect(infrastructureReachedFrom(entry)).toEqual([]);
  });

  it('finds an SDK client an adapter entry loads, through other files', () => {
    const entry = join(ROOT, 'libs', 'event-store', 'src', 'aws.ts');

    expect(infrastructureReachedFrom(entry)).toEqual(
      expect.arrayContaining([expect.stringMatching(/ > @aws-sdk\/client-dynamodb$/)]),
    );
  });
});
