import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  describeFailureQueueContract,
  lambdaFailureBody,
} from '../../redrive-failures/failure-queue.contract';
import { SqsFailureQueue } from './sqs-failure-queue';

/**
 * SQS has no local engine this project can start, so these tests stand in for the SDK client
 * with an in-memory queue that answers the three commands the adapter sends, as SQS does: a
 * received message is hidden, and a new receipt handle is issued on every receive.
 */
class FakeSqs {
  private readonly messages: { id: string; body: string; hidden: boolean; handle?: string }[] = [];
  private count = 0;
  readonly received: ReceiveMessageCommand['input'][] = [];

  put(body: string): void {
    this.messages.push({ id: `msg-${++this.count}`, body, hidden: false });
  }

  readonly client = {
    send: async (command: unknown): Promise<unknown> => {
      if (command instanceof ReceiveMessageCommand) {
        this.received.push(command.input);
        const visible = this.messages
          .filter((m) => !m.hidden)
          .slice(0, command.input.MaxNumberOfMessages ?? 1);
        for (const message of visible) {
          message.hidden = true;
          message.handle = `rh-${message.id}-${++this.count}`;
        }
        return {
          Messages: visible.map((m) => ({
            MessageId: m.id,
            Body: m.body,
            ReceiptHandle: m.handle,
          })),
        };
      }
      const handle = (command as { input: { ReceiptHandle?: string } }).input.ReceiptHandle;
      const index = this.messages.findIndex((m) => m.handle === handle);
      if (index < 0) throw new Error('ReceiptHandleIsInvalid');
      if (command instanceof DeleteMessageCommand) this.messages.splice(index, 1);
      else if (command instanceof ChangeMessageVisibilityCommand)
        this.messages[index].hidden = command.input.VisibilityTimeout !== 0;
      else throw new Error('unexpected command');
      return {};
    },
  } as unknown as SQSClient;
}

const URL =
  'https://sqs.eu-west-1.amazonaws.com/123456789012/ledger-StreamConsumersDeadLetterQueue-X';

describeFailureQueueContract('SqsFailureQueue', async () => {
  const sqs = new FakeSqs();
  return { queue: new SqsFailureQueue(sqs.client, URL), put: async (body) => sqs.put(body) };
});

describe('SqsFailureQueue', () => {
  describe('when it receives more messages than one call returns', () => {
    it('asks in calls of at most 10, hiding them for the run, until it has the maximum', async () => {
      const sqs = new FakeSqs();
      for (let i = 0; i < 25; i++) sqs.put(lambdaFailureBody(String(100 + i)));
      const queue = new SqsFailureQueue(sqs.client, URL, { visibilityTimeoutSeconds: 600 });

      const received = await queue.receive(23);

      expect(received).toHaveLength(23);
      expect(sqs.received.map((input) => input.MaxNumberOfMessages)).toEqual([10, 10, 3]);
      expect(
        sqs.received.every((input) => input.VisibilityTimeout === 600 && input.QueueUrl === URL),
      ).toBe(true);
    });
  });

  describe("when a message body is Lambda's failure record", () => {
    it('hands it over parsed, by its SQS message id', async () => {
      const sqs = new FakeSqs();
      sqs.put(lambdaFailureBody('4100000000021', '4100000000035'));

      const [message] = await new SqsFailureQueue(sqs.client, URL).receive(1);

      expect(message).toMatchObject({
        messageId: 'msg-1',
        kind: 'batch',
        failure: {
          condition: 'RetryAttemptsExhausted',
          batch: { startSequenceNumber: '4100000000021', endSequenceNumber: '4100000000035' },
        },
      });
    });
  });

  describe('when a message body is something else', () => {
    it('hands it over malformed, with the reason and the body', async () => {
      const sqs = new FakeSqs();
      sqs.put('not json at all');

      const [message] = await new SqsFailureQueue(sqs.client, URL).receive(1);

      expect(message).toEqual({
        messageId: 'msg-1',
        kind: 'malformed',
        problem: 'the body is not JSON',
        body: 'not json at all',
      });
    });
  });

  describe('when a message was not received by this queue', () => {
    it('refuses to delete it rather than guess a receipt handle', async () => {
      const queue = new SqsFailureQueue(new FakeSqs().client, URL);

      await expect(
        queue.delete({ messageId: 'msg-9', kind: 'malformed', problem: 'x', body: 'x' }),
      ).rejects.toThrow(/receive it first/);
    });
  });
});
