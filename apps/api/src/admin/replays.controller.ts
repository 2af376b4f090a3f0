import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiServiceUnavailableResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { NotFoundError, ValidationFailedError } from '@ledger/errors';
import type { ReplayJob } from '@ledger/replay';
import { REPLAYS } from '../api-dependencies';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant.decorator';
import { ProblemDto } from '../openapi/problem.dto';
import { ReplayIdPipe } from '../path-ids/path-id.pipe';
import type { ReplayService } from './replay.service';
import { ReplayProgressDto, ReplayStartedDto, StartReplayDto } from './replay.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'unauthorized' })
@UseGuards(ApiKeyGuard)
@Controller('admin/replays')
export class ReplaysController {
  constructor(@Inject(REPLAYS) private readonly replays: ReplayService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: "Start a replay of the caller's tenant",
    description:
      'rebuild: recompute the payments read model of the tenant (or one payment, or a time range) ' +
      'from the event store, in place. republish: re-deliver integration events, marked ' +
      'replay: true, to one rule only. Runs in the background (in AWS, in the replay worker ' +
      'function); poll GET /admin/replays/{id}. ' +
      'A blue/green rebuild of the whole read model spans every tenant: it is an operator task ' +
      '(ledger replay rebuild).',
  })
  @ApiAcceptedResponse({ type: ReplayStartedDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'validation_failed' })
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description: 'replay_worker_unavailable (AWS: the worker could not be invoked; Retry-After)',
  })
  async start(
    @TenantId() tenantId: string,
    @Body() body: StartReplayDto,
  ): Promise<ReplayStartedDto> {
    if (body.kind === 'republish' && body.rule === undefined) {
      throw new ValidationFailedError('A republish is aimed at one rule', [
        'rule is required for republish',
      ]);
    }
    const job = await this.replays.start(tenantId, body);
    return { replayId: job.replayId };
  }

  @Get(':replayId')
  @ApiOperation({ summary: "A replay's progress" })
  @ApiOkResponse({ type: ReplayProgressDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'invalid_replay_id' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'replay_not_found' })
  async progress(
    @TenantId() tenantId: string,
    @Param('replayId', ReplayIdPipe) replayId: string,
  ): Promise<ReplayJob> {
    const job = await this.replays.get(replayId);
    if (job === undefined || job.scope.tenantId !== tenantId) {
      throw new NotFoundError('No such replay', 'replay_not_found');
    }
    return job;
  }
}
