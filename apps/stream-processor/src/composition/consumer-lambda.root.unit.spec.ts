import { ConfigError, readLedgerEnv } from '@ledger/config';
import { closeLedgerStorage, createLedgerStorage } from '@ledger/event-store/aws';
import { createEventBridgeClient } from '@ledger/bus/aws';
import { createLogger } from '@ledger/observability';
import { CONSUMER_ROOTS } from '../consumers';
import { composeConsumerLambda } from './consumer-lambda.root';

// Composing opens clients but sends nothing: an endpoint nobody listens on is enough here.
const NOWHERE = 'http://127.0.0.1:9';

describe('the stream-consumer composition roots', () => {
  describe('when each root in CONSUMER_ROOTS composes its consumer', () => {
    it('builds the consumer its name says, so CONSUMER_NAME selects the right one', async () => {
      const storage = createLedgerStorage({ endpoint: NOWHERE, tablePrefix: 'unit-' });
      const eventBridge = createEventBridgeClient(NOWHERE);
      const context = { storage, eventBridge, logger: createLogger('silent') };

      const names = Object.entries(CONSUMER_ROOTS).map(([name, compose]) => [
        name,
        compose(context).name,
      ]);

      eventBridge.destroy();
      closeLedgerStorage(storage);
      expect(names).toEqual([
        ['projector', 'projector'],
        ['publisher', 'publisher'],
        ['correlator', 'correlator'],
      ]);
    });
  });

  describe('when CONSUMER_NAME names no consumer', () => {
    it('refuses with a ConfigError naming it', () => {
      const env = readLedgerEnv({ DYNAMODB_ENDPOINT: NOWHERE, EVENTBRIDGE_ENDPOINT: NOWHERE });

      const compose = (): unknown => composeConsumerLambda('projektor', env);

      expect(compose).toThrow(ConfigError);
      expect(compose).toThrow('CONSUMER_NAME names no known consumer: projektor');
    });
  });

  describe('when CONSUMER_NAME names a consumer', () => {
    it('returns that consumer with a parking lot', async () => {
      const env = readLedgerEnv({ DYNAMODB_ENDPOINT: NOWHERE, EVENTBRIDGE_ENDPOINT: NOWHERE });

      const root = composeConsumerLambda('correlator', env);
      await root.close();

      expect(root.consumer.name).toBe('correlator');
      expect(root.parkingLot).toBeDefined();
    });
  });
});
