import { ListTargetsByRuleCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { BusEnvelope } from '@ledger/bus';
import { ReplayDeliveryError, type ReplayDelivery } from '../../republish/replay-delivery.port';

/** The functions one rule delivers to: their ARNs. */
export interface RuleTargets {
  /** Rejects (ReplayDeliveryError) when a target cannot be invoked as EventBridge would. */
  functionsOf(ruleName: string): Promise<string[]>;
}

/** Where a deployed rule is: its bus and its name, as ListTargetsByRule takes them. */
export interface DeployedRule {
  eventBusName: string;
  name: string;
}

/**
 * The deployed rule of a template.yaml rule `<Function>.<Event>`, from the ARNs the stack passes
 * (LEDGER_RULE_ARNS): `…:rule/<name>` is on the default bus, `…:rule/<bus>/<name>` on `<bus>`.
 * CloudFormation generates the names, so nothing is derived from the stack's name.
 */
export function deployedRule(
  ruleArns: Readonly<Record<string, string>>,
  ruleName: string,
): DeployedRule {
  const arn = Object.hasOwn(ruleArns, ruleName) ? ruleArns[ruleName] : undefined;
  if (arn === undefined) {
    throw new ReplayDeliveryError(
      `No deployed rule is known for "${ruleName}" (LEDGER_RULE_ARNS names ${
        Object.keys(ruleArns).join(', ') || 'none'
      })`,
    );
  }
  const [first, second, ...rest] = /:rule\/(.+)$/.exec(arn)?.[1]?.split('/') ?? [];
  if (first !== undefined && second === undefined) return { eventBusName: 'default', name: first };
  if (first !== undefined && second !== undefined && rest.length === 0) {
    return { eventBusName: first, name: second };
  }
  throw new ReplayDeliveryError(`"${arn}" is not the ARN of an EventBridge rule`);
}

const LAMBDA_ARN = /^arn:[^:]+:lambda:[^:]+:\d+:function:[^:]+(:[^:]+)?$/;

/**
 * A rule's targets as EventBridge holds them (ListTargetsByRule), remembered per rule for the
 * process. Only Lambda functions that receive the event unchanged are accepted: a queue, another
 * bus, or an input transformer would see something a direct invocation cannot reproduce.
 */
export class EventBridgeRuleTargets implements RuleTargets {
  private readonly known = new Map<string, Promise<string[]>>();

  constructor(
    private readonly eventBridge: EventBridgeClient,
    private readonly ruleArns: Readonly<Record<string, string>>,
  ) {}

  functionsOf(ruleName: string): Promise<string[]> {
    let functions = this.known.get(ruleName);
    if (functions === undefined) {
      functions = this.lookUp(ruleName);
      // A failed lookup is not remembered: the next delivery asks again.
      functions.catch(() => this.known.delete(ruleName));
      this.known.set(ruleName, functions);
    }
    return functions;
  }

  private async lookUp(ruleName: string): Promise<string[]> {
    const { name: rule, eventBusName } = deployedRule(this.ruleArns, ruleName);
    const functions: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.eventBridge
        .send(
          new ListTargetsByRuleCommand({
            Rule: rule,
            EventBusName: eventBusName,
            NextToken: nextToken,
          }),
        )
        .catch((error: unknown) => {
          throw new ReplayDeliveryError(
            `Cannot list the targets of rule ${rule}: ${(error as Error).message}`,
            undefined,
            { cause: error },
          );
        });
      for (const target of page.Targets ?? []) {
        const arn = target.Arn ?? '';
        if (!LAMBDA_ARN.test(arn)) {
          throw new ReplayDeliveryError(
            `Rule ${rule} has a target that is not a Lambda function (${arn}); republish ` +
              'invokes functions only',
          );
        }
        if (
          target.Input !== undefined ||
          target.InputPath !== undefined ||
          target.InputTransformer !== undefined
        ) {
          throw new ReplayDeliveryError(
            `Rule ${rule} changes the event for ${arn} (Input, InputPath or InputTransformer); ` +
              'republish delivers events unchanged only',
          );
        }
        functions.push(arn);
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    if (functions.length === 0) {
      throw new ReplayDeliveryError(`Rule ${rule} on bus ${eventBusName} has no targets`);
    }
    return functions;
  }
}

/**
 * Replay delivery in AWS: each target function of the rule is invoked directly and synchronously
 * with the envelope, as EventBridge would invoke it, so no other rule on the bus sees the event.
 * A function error (the handler threw) is a failed delivery, like a refused one locally.
 */
export class LambdaReplayDelivery implements ReplayDelivery {
  constructor(
    private readonly targets: RuleTargets,
    private readonly lambda: LambdaClient,
  ) {}

  async deliver(ruleName: string, envelope: BusEnvelope): Promise<void> {
    const payload = new TextEncoder().encode(JSON.stringify(envelope));
    for (const functionArn of await this.targets.functionsOf(ruleName)) {
      const output = await this.lambda
        .send(
          new InvokeCommand({
            FunctionName: functionArn,
            InvocationType: 'RequestResponse',
            Payload: payload,
          }),
        )
        .catch((error: unknown) => {
          throw new ReplayDeliveryError(
            `Invoking ${functionArn} failed: ${(error as Error).message}`,
            undefined,
            { cause: error },
          );
        });
      if (output.FunctionError !== undefined) {
        throw new ReplayDeliveryError(
          `${functionArn} failed the event (${output.FunctionError}): ${errorMessageOf(output.Payload)}`,
        );
      }
    }
  }
}

/**
 * The delivery of a deployed stack: a rule's targets looked up by its deployed ARN (bus and
 * name), then each invoked directly.
 */
export function awsReplayDelivery(options: {
  eventBridge: EventBridgeClient;
  lambda: LambdaClient;
  /** The deployed ARN of each template rule, by `<Function>.<Event>` (LEDGER_RULE_ARNS). */
  ruleArns: Readonly<Record<string, string>>;
}): LambdaReplayDelivery {
  return new LambdaReplayDelivery(
    new EventBridgeRuleTargets(options.eventBridge, options.ruleArns),
    options.lambda,
  );
}

/** The `errorMessage` of a Lambda error payload, or its raw text. */
function errorMessageOf(payload: Uint8Array | undefined): string {
  if (payload === undefined) return 'no details';
  const text = new TextDecoder().decode(payload);
  try {
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : text;
  } catch {
    return text;
  }
}
