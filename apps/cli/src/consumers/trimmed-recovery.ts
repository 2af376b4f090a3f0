import { ledgerTemplateRules } from '@ledger/bus';
import { functionNameOf, type ConsumerBatchFailure } from '@ledger/stream-consumer';
import { CONSUMER_ROOTS } from '@ledger/stream-processor-app';

/**
 * Margin around a trimmed batch's arrival times: an event's `recordedAt` is set before it is
 * written, and a stream's own order may put it slightly after the wall clock.
 */
const MARGIN_MS = 5 * 60_000;

/**
 * The consumer a failed function runs, by the consumer name its function name holds
 * (`<stack>-ProjectorFunction-<id>` as CloudFormation names it, or a name derived from it).
 */
export function consumerOfFunction(functionArn: string): string | undefined {
  const name = functionNameOf(functionArn).toLowerCase();
  return Object.keys(CONSUMER_ROOTS).find((consumer) => name.includes(consumer));
}

/**
 * The commands that redo, from the event store (which keeps every event), what a consumer missed
 * in a batch the stream has trimmed: every event recorded around the batch's arrival times.
 */
export function trimmedRecovery(failure: ConsumerBatchFailure): string[] {
  const from = new Date(
    Date.parse(failure.batch.approximateArrivalOfFirstRecord) - MARGIN_MS,
  ).toISOString();
  const to = new Date(
    Date.parse(failure.batch.approximateArrivalOfLastRecord) + MARGIN_MS,
  ).toISOString();
  const aws =
    'DYNAMODB_ENDPOINT=aws EVENTBRIDGE_ENDPOINT=aws LEDGER_RULE_ARNS=<stack output LedgerRuleArns>';
  switch (consumerOfFunction(failure.functionArn) ?? '') {
    case 'projector':
      return [`DYNAMODB_ENDPOINT=aws ledger replay rebuild --in-place --from ${from} --to ${to}`];
    case 'publisher':
      return ledgerTemplateRules().map(
        (rule) => `${aws} ledger replay republish --rule ${rule.name} --from ${from} --to ${to}`,
      );
    case 'correlator':
      return [`DYNAMODB_ENDPOINT=aws ledger replay consumer correlator --from ${from} --to ${to}`];
    default:
      return [
        `no known consumer runs ${failure.functionArn}: redo its work for events recorded from ${from} to ${to}`,
      ];
  }
}
