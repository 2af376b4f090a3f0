/**
 * Writes docs/events.md (or the path given as the first argument) from the contracts.
 * Run from the repository root: `npm run contracts:docs`.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EVENTS_DOC_PATH, renderEventsDoc } from './generate-events-doc';

const target = resolve(process.argv[2] ?? EVENTS_DOC_PATH);
writeFileSync(target, renderEventsDoc(), 'utf8');
process.stdout.write(`Wrote ${target}\n`);
