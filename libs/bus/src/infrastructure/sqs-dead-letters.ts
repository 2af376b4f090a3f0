import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetters } from '../dead-letters/dead-letters.port';

/**
 * Dead letters in an SQS queue (the AWS deployment: template.yaml's PublisherDeadLetterQueue).
 * A queue cannot be browsed like a table: `list` receives messages without hiding them
 * (visibility timeout 0) and remembers their receipt handles, which `remove` then deletes by.
 */
export class SqsDeadLetters implements DeadLetters {
  private readonly receipts = new Map<string, string>();

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async put(letter: DeadLetter): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(letter),
        MessageAttributes: {
          detailType: { DataType: 'String', StringValue: letter.detailType },
          streamId: { DataType: 'String', StringValue: letter.streamId },
        },
      }),
    );
  }

  async list(limit = 100): Promise<DeadLetter[]> {
    const letters = new Map<string, DeadLetter>();
    // Receives may repeat messages or come back short; stop when a round adds nothing new.
    for (let round = 0; letters.size < limit && round < Math.ceil(limit / 10) + 2; round++) {
      const { Messages } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: Math.min(10, limit - letters.size),
          VisibilityTimeout: 0,
          WaitTimeSeconds: round === 0 ? 1 : 0,
        }),
      );
      let added = 0;
      for (const message of Messages ?? []) {
        const letter = JSON.parse(message.Body ?? '{}') as DeadLetter;
        if (!letters.has(letter.id)) added += 1;
        letters.set(letter.id, letter);
        if (message.ReceiptHandle !== undefined)
          this.receipts.set(letter.id, message.ReceiptHandle);
      }
      if (added === 0) break;
    }
    return [...letters.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async remove(id: string): Promise<void> {
    const receiptHandle = this.receipts.get(id);
    if (receiptHandle === undefined) {
      throw new Error(
        `Dead letter ${id} was not listed by this process; list it before removing it`,
      );
    }
    await this.client.send(
      new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle }),
    );
    this.receipts.delete(id);
  }
}
