import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder up from this file holding package.json: the repository root, from the sources or from dist/. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}
