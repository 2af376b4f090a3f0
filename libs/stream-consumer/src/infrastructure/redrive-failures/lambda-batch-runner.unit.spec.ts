import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBRecord } from 'aws-lambda';
import { batchItemFailuresOf, LambdaBatchRunner } from './lambda-batch-runner';

const ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:ledger-ProjectorFunction-X';

const record = (sequenceNumber: string, padding = 0): DynamoDBRecord => ({
  eventName: 'INSERT',
  dynamodb: { SequenceNumber: sequenceNumber, NewImage: { pad: { S: 'x'.repeat(padding) } } },
});

/**
 * Lambda has no local engine, so this test stands in for the SDK client: it records each
 * invocation and answers what the consumer function would.
 */
function fakeLambda(
  answer: (event: { Records: DynamoDBRecord[] }) => { FunctionError?: string; Payload: unknown },
) {
  const invocations: { FunctionName?: string; InvocationType?: string; records: string[] }[] = [];
  const client = {
    send: async (command: unknown) => {
      if (!(command instanceof InvokeCommand)) throw new Error('unexpected command');
      const event = JSON.parse(
        Buffer.from(command.input.Payload as Uint8Array).toString('utf8'),
      ) as { Records: DynamoDBRecord[] };
      invocations.push({
        FunctionName: command.input.FunctionName,
        InvocationType: command.input.InvocationType,
        records: event.Records.map((r) => r.dynamodb?.SequenceNumber ?? ''),
      });
      const { FunctionError, Payload } = answer(event);
      return { StatusCode: 200, FunctionError, Payload: Buffer.from(JSON.stringify(Payload)) };
    },
  } as unknown as LambdaClient;
  return { client, invocations };
}

describe('LambdaBatchRunner', () => {
  describe('when the function handles every record', () => {
    it('invokes that very function synchronously with the records and reports no failure', async () => {
      const lambda = fakeLambda(() => ({ Payload: { batchItemFailures: [] } }));

      const run = await new LambdaBatchRunner(lambda.client).run(ARN, [record('1'), record('2')]);

      expect(run).toEqual({ failedSequenceNumbers: [] });
      expect(lambda.invocations).toEqual([
        { FunctionName: ARN, InvocationType: 'RequestResponse', records: ['1', '2'] },
      ]);
    });
  });

  describe('when the function reports batch item failures', () => {
    it('reports their sequence numbers', async () => {
      const lambda = fakeLambda(() => ({
        Payload: { batchItemFailures: [{ itemIdentifier: '2' }] },
      }));

      const run = await new LambdaBatchRunner(lambda.client).run(ARN, [record('1'), record('2')]);

      expect(run).toEqual({ failedSequenceNumbers: ['2'] });
    });
  });

  describe('when the function fails as a whole', () => {
    it('reports the batch failed from its first record, with the function error', async () => {
      const lambda = fakeLambda(() => ({
        FunctionError: 'Unhandled',
        Payload: {
          errorType: 'StoreUnavailableError',
          errorMessage: 'the store cannot be reached',
        },
      }));

      const run = await new LambdaBatchRunner(lambda.client).run(ARN, [record('7'), record('8')]);

      expect(run).toEqual({
        failedSequenceNumbers: ['7'],
        error: 'Unhandled: StoreUnavailableError: the store cannot be reached',
      });
    });
  });

  describe('when the records are too large for one invocation', () => {
    it('sends them in order, in parts, and stops at the first part that fails', async () => {
      const lambda = fakeLambda((event) => ({
        Payload: {
          batchItemFailures: event.Records.some((r) => r.dynamodb?.SequenceNumber === '2')
            ? [{ itemIdentifier: '2' }]
            : [],
        },
      }));
      const big = 2_000_000;

      const run = await new LambdaBatchRunner(lambda.client).run(ARN, [
        record('1', big),
        record('2', big),
        record('3', big),
        record('4', big),
      ]);

      expect(lambda.invocations.map((i) => i.records)).toEqual([['1', '2']]);
      expect(run).toEqual({ failedSequenceNumbers: ['2'] });
    });
  });
});

describe('batchItemFailuresOf', () => {
  it("reads an answer as Lambda reads a consumer's", () => {
    expect(batchItemFailuresOf('', ['1'])).toEqual([]);
    expect(batchItemFailuresOf('null', ['1'])).toEqual([]);
    expect(batchItemFailuresOf('{}', ['1'])).toEqual([]);
    expect(batchItemFailuresOf('{"batchItemFailures":[{"itemIdentifier":"5"}]}', ['1'])).toEqual([
      '5',
    ]);
    // An answer Lambda cannot read fails the whole batch.
    expect(batchItemFailuresOf('{"batchItemFailures":[{"itemIdentifier":""}]}', ['1'])).toEqual([
      '1',
    ]);
    expect(batchItemFailuresOf('not json', ['1'])).toEqual(['1']);
  });
});
