import {
  DeleteItemCommand,
  PutItemCommand,
  QueryCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { translateStoreError } from '@ledger/event-store/aws';
import type { DeadLetter, DeadLetters } from '../dead-letters/dead-letters.port';

const PARTITION = 'dead-letters#publisher';

/** Dead letters in the meta table, oldest stream position first. */
export class DynamoDbDeadLetters implements DeadLetters {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async put(letter: DeadLetter): Promise<void> {
    await this.client
      .send(
        new PutItemCommand({
          TableName: this.table,
          Item: marshall(
            { pk: PARTITION, sk: letter.id, ...letter },
            { removeUndefinedValues: true },
          ),
        }),
      )
      .catch(translateStoreError);
  }

  async list(limit = 100): Promise<DeadLetter[]> {
    const { Items } = await this.client
      .send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: PARTITION } },
          ConsistentRead: true,
          Limit: limit,
        }),
      )
      .catch(translateStoreError);
    return (Items ?? []).map((item) => {
      const {
        pk: _pk,
        sk: _sk,
        ...letter
      } = unmarshall(item) as DeadLetter & { pk: string; sk: string };
      return letter;
    });
  }

  async remove(id: string): Promise<void> {
    await this.client
      .send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: PARTITION }, sk: { S: id } },
        }),
      )
      .catch(translateStoreError);
  }
}
