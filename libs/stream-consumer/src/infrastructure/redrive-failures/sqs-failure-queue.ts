import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  failureMessageOf,
  type FailureMessage,
  type FailureQueue,
} from '../../redrive-failures/failure-queue.port';

export interface SqsFailureQueueOptions {
  /**
   * How long a received message stays hidden from other readers (default 900 s): longer than a
   * redrive of one run takes, so two operators never redrive the same batch at once.
   */
  visibilityTimeoutSeconds?: number;
}

/**
 * The consumers' failure queue on SQS (template.yaml: StreamConsumersDeadLetterQueue, whose URL
 * is the stack output `StreamConsumersDeadLetterQueueUrl`). Received messages are hidden for the
 * run; `delete` and `release` act by the receipt handle of that receive.
 */
export class SqsFailureQueue implements FailureQueue {
  private readonly receipts = new Map<string, string>();

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly options: SqsFailureQueueOptions = {},
  ) {}

  async receive(max: number): Promise<FailureMessage[]> {
    const received = new Map<string, FailureMessage>();
    while (received.size < max) {
      const { Messages } = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: Math.min(10, max - received.size),
          VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 900,
          // A short wait lets SQS look at all its servers, so a near-empty queue is read whole.
          WaitTimeSeconds: 1,
        }),
      );
      let added = 0;
      for (const message of Messages ?? []) {
        const { MessageId, ReceiptHandle } = message;
        if (MessageId === undefined || ReceiptHandle === undefined) continue;
        if (!received.has(MessageId)) added += 1;
        this.receipts.set(MessageId, ReceiptHandle);
        received.set(MessageId, failureMessageOf(MessageId, message.Body ?? ''));
      }
      if (added === 0) break;
    }
    return [...received.values()];
  }

  async delete(message: FailureMessage): Promise<void> {
    await this.client.send(
      new DeleteMessageCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: this.receiptOf(message),
      }),
    );
    this.receipts.delete(message.messageId);
  }

  async release(message: FailureMessage): Promise<void> {
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: this.receiptOf(message),
        VisibilityTimeout: 0,
      }),
    );
    this.receipts.delete(message.messageId);
  }

  private receiptOf(message: FailureMessage): string {
    const receipt = this.receipts.get(message.messageId);
    if (receipt === undefined) {
      throw new Error(
        `Message ${message.messageId} was not received by this queue; receive it first`,
      );
    }
    return receipt;
  }
}
