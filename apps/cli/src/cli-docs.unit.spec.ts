import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from './main';

const ROOT = join(__dirname, '..', '..', '..');
const DOCUMENTS = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)]
  .filter((path) => path.endsWith('.md'))
  .map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));

/** The command lines of the documents' examples: `ledger …` after `npx` or `npm run ledger --`. */
function exampleLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^(npx ledger|npm run ledger --) /.test(line));
}

/** The subcommand path `words` names in `program`, as far as it goes. */
function commandPath(program: Command, words: string[]): string[] {
  const path: string[] = [];
  let current = program;
  for (const word of words) {
    const next = current.commands.find((command) => command.name() === word);
    if (next === undefined) break;
    path.push(word);
    current = next;
  }
  return path;
}

describe('the CLI examples of README.md and docs/', () => {
  it('run the built CLI (npx ledger), not a rebuild each time (npm run ledger --)', () => {
    const rebuilding = DOCUMENTS.flatMap(({ path, text }) =>
      exampleLines(text)
        .filter((line) => line.startsWith('npm run ledger --'))
        .map((line) => `${path}: ${line}`),
    );

    expect(rebuilding).toEqual([]);
  });

  it('name commands the CLI has', () => {
    const program = buildProgram();
    const examples = DOCUMENTS.flatMap(({ path, text }) =>
      exampleLines(text).map((line) => ({ path, line })),
    );

    const unknown = examples.filter(({ line }) => {
      const words = line.replace(/^npx ledger /, '').split(/\s+/);
      return commandPath(program, words).length === 0;
    });

    expect(examples.length).toBeGreaterThan(5);
    expect(unknown).toEqual([]);
  });
});
