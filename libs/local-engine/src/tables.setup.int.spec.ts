import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  createDynamoDbClient,
  ledgerTables,
  tableDefinitions,
  UNSETTLED_INDEX_NAME,
} from '@ledger/event-store/aws';
import { uniquePrefix } from '@ledger/testing';
import { ensureTables } from './tables.setup';

describe('ensureTables', () => {
  describe('when a table was made by a release without one of its indexes', () => {
    it('adds the missing index and waits until it is active', async () => {
      const client = createDynamoDbClient(String(process.env.DYNAMODB_ENDPOINT));
      const tables = ledgerTables(uniquePrefix('ensure-tables'));
      const readModels = tableDefinitions(tables).find((t) => t.TableName === tables.readModels);
      if (readModels === undefined) throw new Error('no read-models table definition');
      const older = {
        ...readModels,
        AttributeDefinitions: readModels.AttributeDefinitions?.filter(
          (attribute) => !attribute.AttributeName?.startsWith('gsi2'),
        ),
        GlobalSecondaryIndexes: readModels.GlobalSecondaryIndexes?.filter(
          (index) => index.IndexName !== UNSETTLED_INDEX_NAME,
        ),
      };
      await ensureTables(client, [older]);

      await ensureTables(client, [readModels]);

      const { Table } = await client.send(
        new DescribeTableCommand({ TableName: tables.readModels }),
      );
      expect(
        (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.IndexStatus]),
      ).toEqual(
        expect.arrayContaining([
          ['gsi1', 'ACTIVE'],
          [UNSETTLED_INDEX_NAME, 'ACTIVE'],
        ]),
      );
      client.destroy();
    });
  });
});
