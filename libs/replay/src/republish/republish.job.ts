import { DETAIL_TYPES, isDetailType } from '@ledger/contracts';
import { ValidationFailedError } from '@ledger/errors';
import type { ReplayJob, ReplayScope } from '../jobs/replay-job';

/** Events per second when a republish does not say. */
export const DEFAULT_REPUBLISH_RATE = 50;
/** Above this, pacing is pointless: the HTTP round trip per event is the limit anyway. */
export const MAX_REPUBLISH_RATE = 10_000;

/** What an operator asks of a republish (CLI options, `POST /admin/replays` with kind republish). */
export interface RepublishRequest {
  /** The one rule to re-deliver to, `<FunctionLogicalId>.<EventName>`. */
  rule: string;
  from?: string;
  to?: string;
  tenantId?: string;
  paymentId?: string;
  detailTypes?: string[];
  ratePerSecond?: number;
  dryRun?: boolean;
}

/**
 * A new republish job record, validated; throws `ValidationFailedError` listing every problem.
 * An open-ended range is closed at `now`, so a resumed run covers the same events as the first.
 */
export function newRepublishJob(
  request: RepublishRequest,
  options: { replayId: string; now: Date },
): ReplayJob {
  const errors: string[] = [];
  const at = (name: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const time = Date.parse(value);
    if (Number.isNaN(time)) {
      errors.push(`${name} must be an ISO-8601 date or instant, got "${value}"`);
      return undefined;
    }
    // The store compares positions as text: only the canonical form orders correctly.
    return new Date(time).toISOString();
  };
  const from = at('from', request.from);
  const to =
    at('to', request.to) ?? (request.to === undefined ? options.now.toISOString() : undefined);
  if (from !== undefined && to !== undefined && from >= to) errors.push('from must be before to');

  if (typeof request.rule !== 'string' || request.rule.trim() === '') {
    errors.push(
      'rule must name the one rule to deliver to, e.g. PaymentReceiptsFunction.PaymentOutcomes',
    );
  }
  if (
    request.tenantId !== undefined &&
    (request.tenantId === '' || request.tenantId.includes('#'))
  ) {
    errors.push('tenant must be a tenant id (not empty, without "#")');
  }
  if (request.paymentId !== undefined) {
    if (request.paymentId === '') errors.push('payment must not be empty');
    // Payment ids are unique within a tenant only.
    if (request.tenantId === undefined) errors.push('payment needs tenant');
  }
  if (request.detailTypes !== undefined) {
    if (request.detailTypes.length === 0) errors.push('types must list at least one detail-type');
    const unknown = request.detailTypes.filter((type) => !isDetailType(type));
    if (unknown.length > 0) {
      errors.push(
        `unknown detail-type(s) ${unknown.join(', ')}; known: ${DETAIL_TYPES.join(', ')}`,
      );
    }
  }
  const rate = request.ratePerSecond ?? DEFAULT_REPUBLISH_RATE;
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_REPUBLISH_RATE) {
    errors.push(`rate must be a number of events per second in (0, ${MAX_REPUBLISH_RATE}]`);
  }
  if (errors.length > 0)
    throw new ValidationFailedError('The republish request is invalid', errors);

  const scope: ReplayScope = {};
  if (request.tenantId !== undefined) scope.tenantId = request.tenantId;
  if (request.paymentId !== undefined) scope.paymentId = request.paymentId;
  if (from !== undefined) scope.from = from;
  if (to !== undefined) scope.to = to;
  if (request.detailTypes !== undefined) scope.detailTypes = [...new Set(request.detailTypes)];
  const now = options.now.toISOString();
  return {
    replayId: options.replayId,
    kind: 'republish',
    scope,
    status: 'running',
    dryRun: request.dryRun ?? false,
    target: request.rule.trim(),
    ratePerSecond: rate,
    processed: 0,
    startedAt: now,
    updatedAt: now,
  };
}
