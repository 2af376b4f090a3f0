/**
 * The contract of the `ReadModelGenerations` port, run against every adapter (in memory as a unit
 * spec, DynamoDB Local as an int spec).
 */
import type { ReadModelGenerations } from './read-model-generations.port';

export interface ReadModelGenerationsUnderTest {
  /** A fresh pointer, read without a cache. */
  generations: ReadModelGenerations;
  close(): Promise<void>;
}

/** Runs the read-model-generations contract against the adapter `factory` makes. */
export function describeReadModelGenerationsContract(
  adapter: string,
  factory: () => Promise<ReadModelGenerationsUnderTest>,
): void {
  describe(`ReadModelGenerations contract: ${adapter}`, () => {
    let subject: ReadModelGenerationsUnderTest;

    beforeEach(async () => {
      subject = await factory();
    });

    afterEach(() => subject.close());

    it('starts with g1 live and nothing being built', async () => {
      expect(await subject.generations.current()).toEqual({ live: 'g1' });
    });

    it('builds one generation at a time and switches to it, keeping the one it replaced', async () => {
      const { generations } = subject;
      await generations.startBuilding('g2');

      await expect(generations.startBuilding('g3')).rejects.toMatchObject({
        code: 'rebuild_conflict',
      });
      expect(await generations.current()).toEqual({ live: 'g1', building: 'g2' });
      await expect(generations.switchTo('g3')).rejects.toMatchObject({ code: 'rebuild_conflict' });

      await generations.switchTo('g2');

      expect(await generations.current()).toEqual({ live: 'g2', previous: 'g1' });
      await expect(generations.switchTo('g2')).rejects.toMatchObject({ code: 'rebuild_conflict' });
    });

    it('drops an abandoned build and lets another start', async () => {
      const { generations } = subject;
      await generations.startBuilding('g2');

      await expect(generations.abandon('g3')).rejects.toMatchObject({ code: 'rebuild_conflict' });
      await generations.abandon('g2');

      expect(await generations.current()).toEqual({ live: 'g1' });
      await generations.startBuilding('g3');
      expect(await generations.current()).toEqual({ live: 'g1', building: 'g3' });
    });
  });
}
