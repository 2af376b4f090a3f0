#!/usr/bin/env node
// The `ledger` command: runs the built CLI (npm run build, or npm run ledger, builds it first).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  console.error(
    'ledger: not built yet; run `npm run build` (or use `npm run ledger -- <command>`)',
  );
  process.exit(1);
}
void require(entry).runCli(process.argv);
