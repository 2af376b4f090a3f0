import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { documentClientFor } from '@ledger/event-store/aws';
import type { DeadLetter, DeadLetters } from '../dead-letters/dead-letters.port';

const PARTITION = 'dead-letters#publisher';

/** Dead letters in the meta table, oldest stream position first. */
export class DynamoDbDeadLetters implements DeadLetters {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  private get documents(): DynamoDBDocumentClient {
    return documentClientFor(this.client);
  }

  async put(letter: DeadLetter): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.table, Item: { pk: PARTITION, sk: letter.id, ...letter } }),
    );
  }

  async list(limit = 100): Promise<DeadLetter[]> {
    const { Items } = await this.documents.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': PARTITION },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (Items ?? []).map((item) => {
      const { pk: _pk, sk: _sk, ...letter } = item as DeadLetter & { pk: string; sk: string };
      return letter;
    });
  }

  async remove(id: string): Promise<void> {
    await this.documents.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: PARTITION, sk: id } }),
    );
  }
}
