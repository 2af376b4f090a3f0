import { readLedgerEnv } from '@ledger/config';
import { acceptsConnections, createTestLedger, type TestLedger } from '@ledger/testing';
import { listenApi } from './listen-api';
import { createTestApi, type TestApi } from './testing/test-api';

describe('listenApi', () => {
  let ledger: TestLedger;
  let api: TestApi;

  beforeAll(async () => {
    ledger = await createTestLedger('listen-api');
    api = await createTestApi(ledger);
  });

  afterAll(async () => {
    await api.close();
    await ledger.close();
  });

  describe('when LEDGER_HOST is unset', () => {
    it('binds the API to 127.0.0.1 alone and reports that address', async () => {
      const env = readLedgerEnv({});

      const listening = await listenApi(api.app, 0, env.host);

      expect(listening).toEqual({
        address: '127.0.0.1',
        port: listening.port,
        url: `http://127.0.0.1:${listening.port}`,
      });
      expect(await acceptsConnections('127.0.0.1', listening.port)).toBe(true);
      expect(await acceptsConnections('127.0.0.2', listening.port)).toBe(false);
    });
  });
});
