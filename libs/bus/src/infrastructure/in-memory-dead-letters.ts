import type { DeadLetter, DeadLetters } from '../dead-letters/dead-letters.port';

/** Dead letters in memory, oldest stream position first; putting an id again replaces it. */
export class InMemoryDeadLetters implements DeadLetters {
  private readonly letters = new Map<string, DeadLetter>();

  put(letter: DeadLetter): Promise<void> {
    this.letters.set(letter.id, structuredClone(letter));
    return Promise.resolve();
  }

  list(limit = 100): Promise<DeadLetter[]> {
    return Promise.resolve(
      [...this.letters.values()]
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .slice(0, limit)
        .map((letter) => structuredClone(letter)),
    );
  }

  remove(id: string): Promise<void> {
    this.letters.delete(id);
    return Promise.resolve();
  }
}
