import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter } from '../dead-letters/dead-letters.port';
import { SqsDeadLetters } from './sqs-dead-letters';

/**
 * SQS has no local engine this project can start, so this test stands in for the SDK client with
 * an in-memory queue that answers the three commands the adapter sends.
 */
class InMemoryQueue {
  messages: Array<{ body: string; handle: string }> = [];
  deleted: string[] = [];
  private handles = 0;

  readonly client = {
    send: async (command: unknown): Promise<unknown> => {
      if (command instanceof SendMessageCommand) {
        this.messages.push({ body: command.input.MessageBody ?? '', handle: `h${++this.handles}` });
        return {};
      }
      if (command instanceof ReceiveMessageCommand) {
        const max = command.input.MaxNumberOfMessages ?? 1;
        return {
          Messages: this.messages
            .slice(0, max)
            .map((m) => ({ Body: m.body, ReceiptHandle: m.handle })),
        };
      }
      if (command instanceof DeleteMessageCommand) {
        this.deleted.push(command.input.ReceiptHandle ?? '');
        this.messages = this.messages.filter((m) => m.handle !== command.input.ReceiptHandle);
        return {};
      }
      throw new Error('unexpected command');
    },
  } as unknown as SQSClient;
}

function letter(id: string): DeadLetter {
  return {
    id,
    streamId: 'acme#payment#p1',
    version: Number(id.slice(-1)),
    eventId: `ev_${id}`,
    detailType: 'payment.succeeded',
    entry: { Source: 'integration-ledger', DetailType: 'payment.succeeded', Detail: '{}' },
    reason: 'InternalFailure: refused',
    attempts: 6,
    deadLetteredAt: '2026-01-01T00:00:00.000Z',
  };
}

describe('SqsDeadLetters', () => {
  describe('when letters are put, listed and removed', () => {
    it('lists them in stream-position order and deletes one by its receipt handle', async () => {
      const queue = new InMemoryQueue();
      const deadLetters = new SqsDeadLetters(queue.client, 'https://sqs.example/queue');
      await deadLetters.put(letter('pos-2'));
      await deadLetters.put(letter('pos-1'));

      const listed = await deadLetters.list();
      await deadLetters.remove('pos-1');

      expect(listed.map((l) => l.id)).toEqual(['pos-1', 'pos-2']);
      expect(queue.deleted).toEqual(['h2']);
      expect((await deadLetters.list()).map((l) => l.id)).toEqual(['pos-2']);
    });
  });

  describe('when a letter was never listed', () => {
    it('refuses to remove it rather than guess a receipt handle', async () => {
      const deadLetters = new SqsDeadLetters(
        new InMemoryQueue().client,
        'https://sqs.example/queue',
      );

      await expect(deadLetters.remove('pos-9')).rejects.toThrow(/list it before/);
    });
  });
});
