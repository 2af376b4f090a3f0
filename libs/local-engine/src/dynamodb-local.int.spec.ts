import { acceptsConnections } from '@ledger/testing';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from './dynamodb-local';

describe('startDynamoDbLocal', () => {
  let engine: RunningDynamoDbLocal;

  beforeAll(async () => {
    engine = await startDynamoDbLocal();
  });

  afterAll(async () => {
    await engine.stop();
  });

  describe('when no host is asked for', () => {
    it('listens on 127.0.0.1 only, and says so', async () => {
      expect(engine.address).toBe('127.0.0.1');
      expect(engine.endpoint).toBe(`http://127.0.0.1:${engine.port}`);
      expect(await acceptsConnections('127.0.0.1', engine.port)).toBe(true);
      expect(await acceptsConnections('127.0.0.2', engine.port)).toBe(false);
    });
  });
});
