import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiServiceUnavailableResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NotFoundError, ValidationFailedError } from '@ledger/errors';
import { parsePosition } from '@ledger/event-store';
import type { ReplayJob } from '@ledger/replay';
import { LEDGER_CONFIG, REPLAYS } from '../api-dependencies';
import type { LedgerConfig } from '@ledger/config';
import { AdminKeyGuard } from '../auth/api-key.guard';
import type { Principal } from '../auth/api-keys';
import { OperatorKeyRequiredError } from '../auth/auth.errors';
import { CurrentPrincipal } from '../auth/tenant.decorator';
import { ApiJsonBodyProblems, ProblemDto } from '../openapi/problem.dto';
import { ReplayIdPipe } from '../path-ids/path-id.pipe';
import type { ReplayService } from './replay.service';
import { ReplayProgressDto, ReplayStartedDto, StartReplayDto } from './replay.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'unauthorized' })
@ApiForbiddenResponse({
  type: ProblemDto,
  description: "operator_key_required: a tenant key asked for store-wide or another tenant's work",
})
@UseGuards(AdminKeyGuard)
@Controller('admin/replays')
export class ReplaysController {
  constructor(
    @Inject(REPLAYS) private readonly replays: ReplayService,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: "Start a replay of the caller's tenant (an operator: of a tenant, or of the store)",
    description:
      'rebuild: recompute the payments read model of the tenant (or one payment, or a time range) ' +
      'from the event store, in place. republish: re-deliver integration events, marked ' +
      'replay: true, to one rule only. Runs in the background (in AWS, in the replay worker ' +
      'function); poll GET /admin/replays/{id}. A tenant key replays its own tenant only: the job ' +
      "reads, counts and checkpoints only that tenant's events. Work on another tenant, or on " +
      "the whole store (`storeWide: true`), needs an operator's key. " +
      'A blue/green rebuild of the whole read model is an operator task (ledger replay rebuild).',
  })
  @ApiAcceptedResponse({ type: ReplayStartedDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'validation_failed, malformed_payload, payload_too_deep (nested over 16 levels)',
  })
  @ApiJsonBodyProblems()
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description: 'replay_worker_unavailable (AWS: the worker could not be invoked; Retry-After)',
  })
  async start(
    @CurrentPrincipal() principal: Principal,
    @Body() body: StartReplayDto,
  ): Promise<ReplayStartedDto> {
    if (body.kind === 'republish' && body.rule === undefined) {
      throw new ValidationFailedError('A republish is aimed at one rule', [
        'rule is required for republish',
      ]);
    }
    const job = await this.replays.start(this.tenantOf(principal, body), body);
    return { replayId: job.replayId };
  }

  @Get(':replayId')
  @ApiOperation({
    summary: "A replay's progress",
    description: "A tenant sees its own tenant's replays only; an operator sees every replay.",
  })
  @ApiOkResponse({ type: ReplayProgressDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'invalid_replay_id' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'replay_not_found' })
  async progress(
    @CurrentPrincipal() principal: Principal,
    @Param('replayId', ReplayIdPipe) replayId: string,
  ): Promise<ReplayJob> {
    const job = await this.replays.get(replayId);
    const visible =
      job !== undefined &&
      (principal.kind === 'operator' || job.scope.tenantId === principal.tenantId);
    if (!visible) throw new NotFoundError('No such replay', 'replay_not_found');
    return principal.kind === 'tenant' ? ownPositionsOnly(job, principal.tenantId) : job;
  }

  /**
   * The tenant a replay covers, undefined for the whole store. A tenant key covers its own tenant
   * and nothing else; an operator names a tenant or asks for the store explicitly.
   */
  private tenantOf(principal: Principal, body: StartReplayDto): string | undefined {
    if (principal.kind === 'tenant') {
      if (body.storeWide === true) throw new OperatorKeyRequiredError();
      if (body.tenantId !== undefined && body.tenantId !== principal.tenantId) {
        throw new OperatorKeyRequiredError();
      }
      return principal.tenantId;
    }
    if (body.tenantId !== undefined && body.storeWide === true) {
      throw new ValidationFailedError('Name a tenant or ask for the whole store, not both', [
        'tenantId and storeWide exclude each other',
      ]);
    }
    if (body.tenantId !== undefined) {
      if (!this.config.tenants.some((tenant) => tenant.id === body.tenantId)) {
        throw new ValidationFailedError('No such tenant', [`unknown tenant ${body.tenantId}`]);
      }
      return body.tenantId;
    }
    if (body.storeWide !== true) {
      throw new ValidationFailedError('An operator names the tenant to replay', [
        'set tenantId, or storeWide: true for every tenant',
      ]);
    }
    return undefined;
  }
}

/**
 * A tenant's job as the tenant may see it. Jobs read only their tenant's events, so their
 * checkpoints are the tenant's own; records written before that rule may hold a position in
 * another tenant's stream, which is left out rather than shown.
 */
function ownPositionsOnly(job: ReplayJob, tenantId: string): ReplayJob {
  const own = (position: string): boolean => {
    try {
      return parsePosition(position).streamId.startsWith(`${tenantId}#`);
    } catch {
      return false;
    }
  };
  const { checkpoint, shardCheckpoints, ...rest } = job;
  const shards = Object.entries(shardCheckpoints ?? {}).filter(([, position]) => own(position));
  return {
    ...rest,
    ...(checkpoint !== undefined && own(checkpoint) && { checkpoint }),
    ...(shards.length > 0 && { shardCheckpoints: Object.fromEntries(shards) }),
  };
}
