import type {
  Generations,
  ReadModelGenerations,
} from '../payment-view/read-model-generations.port';
import { FIRST_GENERATION } from './dynamodb-payment-documents';
import { GenerationConflictError } from './dynamodb-read-model-generations';

/**
 * The generation pointer in memory: the twin of `DynamoDbReadModelGenerations`, with the same
 * conditions and errors (and no cache: every read is fresh).
 */
export class InMemoryReadModelGenerations implements ReadModelGenerations {
  private pointer: Generations = { live: FIRST_GENERATION };

  async current(): Promise<Generations> {
    await Promise.resolve();
    return { ...this.pointer };
  }

  async startBuilding(generation: string): Promise<void> {
    await Promise.resolve();
    if (this.pointer.building !== undefined) {
      throw new GenerationConflictError(
        'Another rebuild is building a read-model generation; wait for it or abandon it',
      );
    }
    this.pointer = { ...this.pointer, building: generation };
  }

  async switchTo(generation: string): Promise<void> {
    await Promise.resolve();
    this.checkBuilding(generation);
    this.pointer = { live: generation, previous: this.pointer.live };
  }

  async abandon(generation: string): Promise<void> {
    await Promise.resolve();
    this.checkBuilding(generation);
    const { building: _dropped, ...rest } = this.pointer;
    this.pointer = rest;
  }

  private checkBuilding(generation: string): void {
    if (this.pointer.building !== generation) {
      throw new GenerationConflictError(`Generation ${generation} is not the one being built`);
    }
  }
}
