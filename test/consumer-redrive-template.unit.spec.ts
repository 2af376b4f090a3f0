import { template as parsed } from './support/template';

const template = parsed as unknown as {
  Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
  Outputs: Record<string, { Value: unknown }>;
};

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: unknown;
}

const statements = (): Map<string, Statement> =>
  new Map(
    (
      template.Resources.ConsumerRedrivePolicy?.Properties.PolicyDocument?.Statement as Statement[]
    ).map((statement) => [statement.Sid, statement]),
  );

describe("the stack's redrive of the consumers' failures", () => {
  describe('when its outputs are read', () => {
    it("gives the failure queue's URL and the operator policy", () => {
      expect(template.Outputs.StreamConsumersDeadLetterQueueUrl?.Value).toEqual({
        '!Ref': 'StreamConsumersDeadLetterQueue',
      });
      expect(template.Outputs.ConsumerRedrivePolicyArn?.Value).toEqual({
        '!Ref': 'ConsumerRedrivePolicy',
      });
    });
  });

  describe('when the operator policy is read', () => {
    it('grants what the SQS and DynamoDB Streams adapters send, on that queue and stream', () => {
      const granted = statements();

      expect(granted.get('TakeFailedBatches')).toMatchObject({
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
        Resource: { '!GetAtt': 'StreamConsumersDeadLetterQueue.Arn' },
      });
      expect(granted.get('ReReadEventsStream')).toMatchObject({
        Action: expect.arrayContaining(['dynamodb:GetShardIterator', 'dynamodb:GetRecords']),
        Resource: { '!Sub': '${EventsTable.Arn}/stream/*' },
      });
    });

    it('may invoke every consumer function, and no other', () => {
      const consumers = Object.entries(template.Resources)
        .filter(([, resource]) => resource.Properties?.Environment?.Variables?.CONSUMER_NAME)
        .map(([logicalId]) => ({ '!GetAtt': `${logicalId}.Arn` }));

      const invoke = statements().get('InvokeConsumers');

      expect(consumers).toHaveLength(4);
      expect(invoke?.Action).toBe('lambda:InvokeFunction');
      expect(invoke?.Resource).toEqual(consumers);
    });
  });
});
