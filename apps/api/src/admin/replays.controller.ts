import { Body, Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
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
import { GetReplayJob, StartReplay, type ReplayJob } from '@ledger/replay';
import { AdminKeyGuard } from '../auth/api-key.guard';
import type { Principal } from '../auth/api-keys';
import { CurrentPrincipal } from '../auth/tenant.decorator';
import { ApiJsonBodyProblems, ProblemDto } from '../openapi/problem.dto';
import { ReplayIdPipe } from '../path-ids/path-id.pipe';
import { ReplayProgressDto, ReplayStartedDto, StartReplayDto } from './replay.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'unauthorized' })
@ApiForbiddenResponse({
  type: ProblemDto,
  description:
    'admin_grant_required: a tenant key without the admin grant (not one of the tenant’s ' +
    "adminKeys); operator_key_required: a tenant key asked for store-wide or another tenant's work",
})
@UseGuards(AdminKeyGuard)
@Controller('admin/replays')
export class ReplaysController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
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
    description:
      'validation_failed (also a republish rule template.yaml does not define: `errors` lists ' +
      'the known rules), malformed_payload, payload_too_deep (nested over 16 levels)',
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
    const job = await this.commands.execute<StartReplay, ReplayJob>(
      new StartReplay(principal, body),
    );
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
  progress(
    @CurrentPrincipal() principal: Principal,
    @Param('replayId', ReplayIdPipe) replayId: string,
  ): Promise<ReplayJob> {
    return this.queries.execute<GetReplayJob, ReplayJob>(new GetReplayJob(principal, replayId));
  }
}
