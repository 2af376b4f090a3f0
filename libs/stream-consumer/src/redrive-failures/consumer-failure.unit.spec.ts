import { lambdaFailureBody } from './failure-queue.contract';
import { compareSequenceNumbers, functionNameOf, parseConsumerFailure } from './consumer-failure';

const record = (): Record<string, any> =>
  JSON.parse(lambdaFailureBody('4100000000021', '4100000000035')) as Record<string, any>;

describe('parseConsumerFailure', () => {
  describe("when the body is Lambda's on-failure record for a DynamoDB stream batch", () => {
    it('reads the function, the condition and where the batch lies', () => {
      const parsed = parseConsumerFailure(lambdaFailureBody('4100000000021', '4100000000035'));

      expect(parsed).toEqual({
        kind: 'batch',
        failure: {
          functionArn:
            'arn:aws:lambda:eu-west-1:123456789012:function:ledger-ProjectorFunction-AbC123',
          condition: 'RetryAttemptsExhausted',
          timestamp: '2026-03-01T12:00:00.000Z',
          batch: {
            streamArn:
              'arn:aws:dynamodb:eu-west-1:123456789012:table/ledger-events/stream/2026-03-01T00:00:00.000',
            shardId: 'shardId-00000001772366400000-0a1b2c3d',
            startSequenceNumber: '4100000000021',
            endSequenceNumber: '4100000000035',
            approximateArrivalOfFirstRecord: '2026-03-01T11:59:00.000Z',
            approximateArrivalOfLastRecord: '2026-03-01T11:59:01.000Z',
            batchSize: 1,
          },
        },
      });
    });
  });

  describe('when the body is not one', () => {
    const cases: [string, string, RegExp][] = [
      ['not JSON', 'RetryAttemptsExhausted', /not JSON/],
      ['a JSON array', '[]', /not a JSON object/],
      [
        'an SQS event source failure',
        JSON.stringify({ ...record(), DDBStreamBatchInfo: undefined, SQSBatchInfo: {} }),
        /no DDBStreamBatchInfo/,
      ],
      [
        'without requestContext',
        JSON.stringify({ ...record(), requestContext: undefined }),
        /no requestContext/,
      ],
      [
        'with a function ARN that is none',
        JSON.stringify({ ...record(), requestContext: { functionArn: 'projector' } }),
        /functionArn/,
      ],
      [
        'without a shard',
        JSON.stringify({
          ...record(),
          DDBStreamBatchInfo: { ...record().DDBStreamBatchInfo, shardId: '' },
        }),
        /DDBStreamBatchInfo.shardId/,
      ],
      [
        'with a sequence number that is no number',
        JSON.stringify({
          ...record(),
          DDBStreamBatchInfo: { ...record().DDBStreamBatchInfo, endSequenceNumber: '41e3' },
        }),
        /not a decimal number/,
      ],
      [
        'with its range reversed',
        JSON.stringify({
          ...record(),
          DDBStreamBatchInfo: {
            ...record().DDBStreamBatchInfo,
            startSequenceNumber: '4100000000036',
          },
        }),
        /after endSequenceNumber/,
      ],
      [
        'with a batch size of 0',
        JSON.stringify({
          ...record(),
          DDBStreamBatchInfo: { ...record().DDBStreamBatchInfo, batchSize: 0 },
        }),
        /batchSize/,
      ],
      [
        'with an arrival that is no time',
        JSON.stringify({
          ...record(),
          DDBStreamBatchInfo: {
            ...record().DDBStreamBatchInfo,
            approximateArrivalOfLastRecord: 'yesterday',
          },
        }),
        /not a time/,
      ],
    ];

    it.each(cases)('reports it malformed: %s', (_name, body, problem) => {
      const parsed = parseConsumerFailure(body);

      expect(parsed.kind).toBe('malformed');
      expect(parsed.kind === 'malformed' && parsed.problem).toMatch(problem);
    });
  });
});

describe('compareSequenceNumbers', () => {
  it('orders by value, however long the numbers', () => {
    expect(compareSequenceNumbers('900000000000000000000', '1000000000000000000000')).toBe(-1);
    expect(compareSequenceNumbers('1000000000000000000001', '1000000000000000000000')).toBe(1);
    expect(compareSequenceNumbers('42', '42')).toBe(0);
  });
});

describe('functionNameOf', () => {
  it('is the name in the ARN, without a version or alias', () => {
    expect(
      functionNameOf('arn:aws:lambda:eu-west-1:1:function:ledger-ProjectorFunction-X:live'),
    ).toBe('ledger-ProjectorFunction-X');
  });
});
