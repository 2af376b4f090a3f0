// No local engine serves Lambda's Invoke or EventBridge's ListTargetsByRule, so these tests hand
// the adapters clients whose `send` answers as AWS documents those calls.
import {
  type ListTargetsByRuleCommand,
  type EventBridgeClient,
  type ListTargetsByRuleCommandOutput,
  type Target,
} from '@aws-sdk/client-eventbridge';
import {
  type InvokeCommand,
  type InvokeCommandOutput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import type { BusEnvelope } from '@ledger/bus';
import {
  EventBridgeRuleTargets,
  LambdaReplayDelivery,
  deployedRule,
  type RuleTargets,
} from './lambda.delivery';
import { ReplayDeliveryError } from '../../republish/replay-delivery.port';

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:ledger-PaymentReceipts-Ab12';
const ENVELOPE: BusEnvelope = {
  version: '0',
  id: 'evt-1',
  'detail-type': 'payment.succeeded',
  source: 'integration-ledger',
  account: '123456789012',
  time: '2026-02-01T00:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { eventId: '01J0000000000000000000000', replay: true },
};

function eventBridgeAnswering(pages: Array<{ Targets: Target[]; NextToken?: string }>): {
  client: EventBridgeClient;
  calls: ListTargetsByRuleCommand[];
} {
  const calls: ListTargetsByRuleCommand[] = [];
  const client = {
    send: (command: ListTargetsByRuleCommand) => {
      calls.push(command);
      return Promise.resolve(pages[calls.length - 1] as ListTargetsByRuleCommandOutput);
    },
  } as unknown as EventBridgeClient;
  return { client, calls };
}

function lambdaAnswering(output: Partial<InvokeCommandOutput>): {
  client: LambdaClient;
  calls: InvokeCommand[];
} {
  const calls: InvokeCommand[] = [];
  const client = {
    send: (command: InvokeCommand) => {
      calls.push(command);
      return Promise.resolve({ StatusCode: 200, ...output } as InvokeCommandOutput);
    },
  } as unknown as LambdaClient;
  return { client, calls };
}

const targetsOf = (functions: string[]): RuleTargets => ({
  functionsOf: () => Promise.resolve(functions),
});

const RULE_NAME = 'ledger-prod-PaymentReceiptsFunctionPa-1X2Y3Z';
const RULE_ARNS = {
  'PaymentReceiptsFunction.PaymentOutcomes': `arn:aws:events:eu-west-1:123456789012:rule/ledger-prod-bus/${RULE_NAME}`,
};

describe('deployedRule', () => {
  it('reads the bus and the name of a rule on a custom bus from its ARN', () => {
    expect(deployedRule(RULE_ARNS, 'PaymentReceiptsFunction.PaymentOutcomes')).toEqual({
      eventBusName: 'ledger-prod-bus',
      name: RULE_NAME,
    });
  });

  it('reads a rule on the default bus from its ARN', () => {
    const arns = { 'A.B': 'arn:aws:events:eu-west-1:123456789012:rule/some-rule' };

    expect(deployedRule(arns, 'A.B')).toEqual({ eventBusName: 'default', name: 'some-rule' });
  });

  it('refuses a rule the stack did not pass', () => {
    expect(() => deployedRule(RULE_ARNS, 'OtherFunction.Events')).toThrow(ReplayDeliveryError);
  });
});

describe('EventBridgeRuleTargets', () => {
  describe('when the rule targets functions, over several pages', () => {
    it('returns every function, asking once per rule', async () => {
      const other = FUNCTION_ARN.replace('Ab12', 'Cd34');
      const { client, calls } = eventBridgeAnswering([
        { Targets: [{ Id: 'a', Arn: FUNCTION_ARN }], NextToken: 'page-2' },
        { Targets: [{ Id: 'b', Arn: other }] },
      ]);
      const targets = new EventBridgeRuleTargets(client, RULE_ARNS);

      const first = await targets.functionsOf('PaymentReceiptsFunction.PaymentOutcomes');
      const again = await targets.functionsOf('PaymentReceiptsFunction.PaymentOutcomes');

      expect(first).toEqual([FUNCTION_ARN, other]);
      expect(again).toBe(first);
      expect(calls.map((c) => c.input)).toEqual([
        {
          Rule: RULE_NAME,
          EventBusName: 'ledger-prod-bus',
          NextToken: undefined,
        },
        {
          Rule: RULE_NAME,
          EventBusName: 'ledger-prod-bus',
          NextToken: 'page-2',
        },
      ]);
    });
  });

  describe('when a target is not a function, or gets a transformed event', () => {
    it.each([
      ['a queue', { Id: 'q', Arn: 'arn:aws:sqs:eu-west-1:123456789012:receipts' }, /not a Lambda/],
      ['an input transformer', { Id: 't', Arn: FUNCTION_ARN, InputPath: '$.detail' }, /unchanged/],
    ])('refuses %s', async (_what, target, message) => {
      const { client } = eventBridgeAnswering([{ Targets: [target] }]);
      const targets = new EventBridgeRuleTargets(client, RULE_ARNS);

      await expect(targets.functionsOf('PaymentReceiptsFunction.PaymentOutcomes')).rejects.toThrow(
        message,
      );
    });
  });

  describe('when the rule has no targets', () => {
    it('says so', async () => {
      const { client } = eventBridgeAnswering([{ Targets: [] }]);
      const targets = new EventBridgeRuleTargets(client, RULE_ARNS);

      await expect(targets.functionsOf('PaymentReceiptsFunction.PaymentOutcomes')).rejects.toThrow(
        /has no targets/,
      );
    });
  });
});

describe('LambdaReplayDelivery', () => {
  describe('when the function handles the event', () => {
    it('invokes it synchronously with the envelope as EventBridge sends it', async () => {
      const { client, calls } = lambdaAnswering({});
      const delivery = new LambdaReplayDelivery(targetsOf([FUNCTION_ARN]), client);

      await delivery.deliver('PaymentReceiptsFunction.PaymentOutcomes', ENVELOPE);

      expect(calls).toHaveLength(1);
      const { FunctionName, InvocationType, Payload } = calls[0].input;
      expect({ FunctionName, InvocationType }).toEqual({
        FunctionName: FUNCTION_ARN,
        InvocationType: 'RequestResponse',
      });
      expect(JSON.parse(new TextDecoder().decode(Payload as Uint8Array))).toEqual(ENVELOPE);
    });
  });

  describe('when the function throws', () => {
    it('fails the delivery with the function error message', async () => {
      const { client } = lambdaAnswering({
        FunctionError: 'Unhandled',
        Payload: new TextEncoder().encode(
          JSON.stringify({ errorType: 'Error', errorMessage: 'receipt store unavailable' }),
        ) as InvokeCommandOutput['Payload'],
      });
      const delivery = new LambdaReplayDelivery(targetsOf([FUNCTION_ARN]), client);

      const delivering = delivery.deliver('PaymentReceiptsFunction.PaymentOutcomes', ENVELOPE);

      await expect(delivering).rejects.toBeInstanceOf(ReplayDeliveryError);
      await expect(delivering).rejects.toThrow(/Unhandled.*receipt store unavailable/);
    });
  });

  describe('when the invocation itself fails', () => {
    it('fails the delivery, keeping the cause', async () => {
      const refused = new Error('AccessDeniedException: not authorized');
      const client = { send: () => Promise.reject(refused) } as unknown as LambdaClient;
      const delivery = new LambdaReplayDelivery(targetsOf([FUNCTION_ARN]), client);

      const error = await delivery
        .deliver('PaymentReceiptsFunction.PaymentOutcomes', ENVELOPE)
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ReplayDeliveryError);
      expect((error as ReplayDeliveryError).cause).toBe(refused);
    });
  });
});
