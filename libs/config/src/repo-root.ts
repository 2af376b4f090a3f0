import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder holding package.json: the same from `bench/src` and `dist/bench/src`. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}
