import { createServer } from 'node:net';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StoreUnavailableError } from '@ledger/errors';
import { createDynamoDbClient } from './dynamodb-client';
import { documentClientFor } from './document-client';

/** A local port that was free a moment ago: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// No DynamoDB is needed: a real client on a port nothing listens on is refused before any answer.
describe('documentClientFor', () => {
  let endpoint: string;

  beforeAll(async () => {
    endpoint = `http://127.0.0.1:${await closedPort()}`;
  });

  describe('when the same client is asked for twice', () => {
    it('builds its document client once', () => {
      const client = createDynamoDbClient(endpoint, { maxAttempts: 1 });

      const first = documentClientFor(client);
      const second = documentClientFor(client);

      expect(second).toBe(first);
      client.destroy();
    });
  });

  describe('when the store cannot be reached', () => {
    it('rejects a document command with StoreUnavailableError, the SDK error as its cause', async () => {
      const client = createDynamoDbClient(endpoint, { maxAttempts: 1 });

      const error: unknown = await documentClientFor(client)
        .send(new GetCommand({ TableName: 'events', Key: { pk: 'a', sk: 1 } }))
        .catch((rejected: unknown) => rejected);

      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).code).toBe('store_unavailable');
      // The SDK's own error stays reachable as the cause.
      expect(String((error as StoreUnavailableError).cause)).toContain('ECONNREFUSED');
      client.destroy();
    });

    it('translates a command sent on the plain client as well', async () => {
      const client = createDynamoDbClient(endpoint, { maxAttempts: 1 });
      documentClientFor(client);

      const read = client.send(
        new GetItemCommand({ TableName: 'events', Key: { pk: { S: 'a' }, sk: { N: '1' } } }),
      );

      await expect(read).rejects.toBeInstanceOf(StoreUnavailableError);
      client.destroy();
    });
  });

  describe('when the request itself is wrong', () => {
    it('passes the error on unchanged', async () => {
      const client = createDynamoDbClient(endpoint, { maxAttempts: 1 });

      const write = documentClientFor(client).send(
        new PutCommand({ TableName: 'events', Item: { pk: 'a', sk: Number.NaN } }),
      );

      await expect(write).rejects.toThrow('Special numeric value NaN is not allowed');
      await expect(write).rejects.not.toBeInstanceOf(StoreUnavailableError);
      client.destroy();
    });
  });
});
