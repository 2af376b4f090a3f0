import { parseConsumerFailure, type ConsumerBatchFailure } from '@ledger/stream-consumer';
import { consumerOfFunction, trimmedRecovery } from './trimmed-recovery';

const failureOf = (functionName: string): ConsumerBatchFailure => {
  const parsed = parseConsumerFailure(
    JSON.stringify({
      requestContext: {
        functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
        condition: 'RecordAgeExceeded',
      },
      DDBStreamBatchInfo: {
        shardId: 'shardId-00000001772366400000-0a1b2c3d',
        startSequenceNumber: '300',
        endSequenceNumber: '320',
        approximateArrivalOfFirstRecord: '2026-03-01T10:00:00Z',
        approximateArrivalOfLastRecord: '2026-03-01T10:02:30Z',
        batchSize: 20,
        streamArn: 'arn:aws:dynamodb:eu-west-1:123456789012:table/ledger-events/stream/x',
      },
    }),
  );
  if (parsed.kind !== 'batch') throw new Error(parsed.problem);
  return parsed.failure;
};

const WINDOW = '--from 2026-03-01T09:55:00.000Z --to 2026-03-01T10:07:30.000Z';

describe('consumerOfFunction', () => {
  it('finds the consumer in the function name, however the stack named it', () => {
    const arn = (name: string) => `arn:aws:lambda:eu-west-1:1:function:${name}`;

    expect(consumerOfFunction(arn('ledger-prod-ProjectorFunction-1A2B3C'))).toBe('projector');
    expect(consumerOfFunction(arn('ledger-prod-publisher'))).toBe('publisher');
    expect(consumerOfFunction(arn('ledger-CorrelatorFunction-9Z:live'))).toBe('correlator');
    expect(consumerOfFunction(arn('ledger-prod-ApiFunction-1A2B3C'))).toBeUndefined();
  });
});

describe('trimmedRecovery', () => {
  describe("when the projector's batch was trimmed", () => {
    it('rebuilds in place the payments with events around the batch', () => {
      expect(trimmedRecovery(failureOf('ledger-ProjectorFunction-X'))).toEqual([
        `DYNAMODB_ENDPOINT=aws ledger replay rebuild --in-place ${WINDOW}`,
      ]);
    });
  });

  describe("when the publisher's batch was trimmed", () => {
    it("republishes the window to each rule's target", () => {
      expect(trimmedRecovery(failureOf('ledger-PublisherFunction-X'))).toEqual([
        'DYNAMODB_ENDPOINT=aws EVENTBRIDGE_ENDPOINT=aws LEDGER_RULE_ARNS=<stack output LedgerRuleArns> ledger replay ' +
          `republish --rule PaymentReceiptsFunction.PaymentOutcomes ${WINDOW}`,
      ]);
    });
  });

  describe("when the correlator's batch was trimmed", () => {
    it('hands the window to the correlator again', () => {
      expect(trimmedRecovery(failureOf('ledger-CorrelatorFunction-X'))).toEqual([
        `DYNAMODB_ENDPOINT=aws ledger replay consumer correlator ${WINDOW}`,
      ]);
    });
  });
});
