#!/usr/bin/env node
// The `ledger` command (`npx ledger` in the repository): runs the CLI `npm run build` built.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const entry = join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  console.error('ledger: not built yet; run `npm run build` first (`npm start` builds too)');
  process.exit(1);
}
void require(entry).runCli(process.argv);
