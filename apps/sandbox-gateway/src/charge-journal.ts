import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
  ftruncateSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { Charge } from './charge-book';

/** One change to a charge book: a charge made, or part of one refunded. */
export type ChargeJournalEntry =
  { charge: Charge } | { refund: { chargeId: string; amount: number } };

/** Where a charge book keeps its changes, to be read back when the sandbox starts again. */
export interface ChargeJournal {
  /** The entries written so far, oldest first. */
  load(): ChargeJournalEntry[];
  append(entry: ChargeJournalEntry): void;
  /** Forgets every entry (the sandbox's reset). */
  clear(): void;
}

/**
 * A charge book's journal as a file of JSON lines, appended to as each change is made (before the
 * sandbox answers), so a sandbox killed at any point restarts with every charge it answered for.
 * A last line cut short by a crash is ignored on load.
 */
export class FileChargeJournal implements ChargeJournal {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  load(): ChargeJournalEntry[] {
    if (!existsSync(this.path)) return [];
    const lines = readFileSync(this.path, 'utf8').split('\n');
    const entries: ChargeJournalEntry[] = [];
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        entries.push(JSON.parse(line) as ChargeJournalEntry);
      } catch (error) {
        if (index >= lines.length - 2) break;
        throw new RangeError(`${this.path}:${index + 1} is not a charge journal entry`, {
          cause: error,
        });
      }
    }
    return entries;
  }

  append(entry: ChargeJournalEntry): void {
    writeSync(this.open(), `${JSON.stringify(entry)}\n`);
  }

  clear(): void {
    ftruncateSync(this.open(), 0);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): number {
    if (this.fd === undefined) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a');
    }
    return this.fd;
  }
}

/**
 * The journal of one account's book under `bookDir` (none without one), noted in `opened` so the
 * sandbox closes it when it stops. The file is named by a hash of the account's API key: the key
 * itself stays out of file names.
 */
export function journalOf(
  bookDir: string | undefined,
  apiKey: string,
  opened: FileChargeJournal[],
): FileChargeJournal | undefined {
  if (bookDir === undefined) return undefined;
  const name = createHash('sha256').update(apiKey).digest('hex').slice(0, 24);
  const journal = new FileChargeJournal(join(bookDir, `charges-${name}.jsonl`));
  opened.push(journal);
  return journal;
}
