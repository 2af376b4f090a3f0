import type { BusEnvelope } from '@ledger/bus';
import { ReplayDeliveryError, type ReplayDelivery } from './replay-delivery.port';

/** Invokes a Lambda function synchronously (RequestResponse) and reports a function error. */
export type InvokeFunction = (
  functionName: string,
  payload: BusEnvelope,
) => Promise<{ functionError?: string }>;

/**
 * Replay delivery in AWS: the rule's target function is invoked directly with the envelope, as
 * EventBridge would invoke it, so no other rule on the bus sees the event.
 *
 * @debt The `invoke` wiring (`@aws-sdk/client-lambda` `InvokeCommand`) is not written: that
 * package is not a dependency yet. The next step is a small factory that builds `invoke` from a
 * `LambdaClient`, plus a rule-name-to-function-name map from the deployed stack's outputs.
 */
export class LambdaReplayDelivery implements ReplayDelivery {
  constructor(
    /** Rule name (`<FunctionLogicalId>.<EventName>`) to the deployed function's name or ARN. */
    private readonly functionOf: (ruleName: string) => string | undefined,
    private readonly invoke: InvokeFunction,
  ) {}

  async deliver(ruleName: string, envelope: BusEnvelope): Promise<void> {
    const functionName = this.functionOf(ruleName);
    if (functionName === undefined) {
      throw new ReplayDeliveryError(`No deployed function is known for rule ${ruleName}`);
    }
    const { functionError } = await this.invoke(functionName, envelope).catch((error: unknown) => {
      throw new ReplayDeliveryError(
        `Invoking ${functionName} failed: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    });
    if (functionError !== undefined) {
      throw new ReplayDeliveryError(`${functionName} failed the event: ${functionError}`);
    }
  }
}
