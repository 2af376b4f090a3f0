import { Body, Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DEFAULT_RECONCILE_STATUSES, parseAgeSeconds } from '@ledger/payments';
import { GetReplayJob, StartReplay, type ReplayJob } from '@ledger/replay';
import { AdminKeyGuard } from '../auth/api-key.guard';
import type { Principal } from '../auth/api-keys';
import { CurrentPrincipal } from '../auth/tenant.decorator';
import { ApiJsonBodyProblems, ProblemDto } from '../openapi/problem.dto';
import { ReplayIdPipe } from '../path-ids/path-id.pipe';
import {
  ReconciliationProgressDto,
  ReconciliationStartedDto,
  StartReconciliationDto,
  reconciliationProgress,
} from './reconciliation.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'unauthorized' })
@ApiForbiddenResponse({
  type: ProblemDto,
  description:
    'admin_grant_required: a tenant key without the admin grant; operator_key_required: a ' +
    "tenant key asked for store-wide or another tenant's work",
})
@UseGuards(AdminKeyGuard)
@Controller('admin/reconciliations')
export class ReconciliationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: "Reconcile the caller's unsettled payments in bulk (an operator: a tenant's, or all)",
    description:
      'Every selected payment (by status, default outcome_unknown and requested; unchanged for ' +
      '`olderThan`) is asked of the gateway through the same reconcile as ' +
      'POST /payments/{id}/reconcile, a few at a time and paced per tenant so that the run never ' +
      'opens a breaker itself. Runs in the background; poll the Location. A tenant key covers ' +
      "its own tenant; another tenant or every tenant (`storeWide: true`) needs an operator's key.",
  })
  @ApiAcceptedResponse({
    type: ReconciliationStartedDto,
    headers: {
      Location: { description: '/admin/reconciliations/{jobId}', schema: { type: 'string' } },
    },
  })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description: 'validation_failed, malformed_payload, payload_too_deep',
  })
  @ApiJsonBodyProblems()
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description: 'replay_worker_unavailable (AWS: the worker could not be invoked; Retry-After)',
  })
  async start(
    @CurrentPrincipal() principal: Principal,
    @Body() body: StartReconciliationDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReconciliationStartedDto> {
    const job = await this.commands.execute<StartReplay, ReplayJob>(
      new StartReplay(principal, {
        kind: 'reconcile',
        reconcile: {
          statuses: body.status ?? [...DEFAULT_RECONCILE_STATUSES],
          olderThanSeconds:
            body.olderThan === undefined ? 0 : (parseAgeSeconds(body.olderThan) ?? 0),
          concurrency: body.concurrency ?? 4,
        },
        ...(body.ratePerSecond !== undefined && { ratePerSecond: body.ratePerSecond }),
        ...(body.dryRun !== undefined && { dryRun: body.dryRun }),
        ...(body.tenantId !== undefined && { tenantId: body.tenantId }),
        ...(body.storeWide !== undefined && { storeWide: body.storeWide }),
      }),
    );
    void reply.header('location', `/admin/reconciliations/${job.replayId}`);
    return { jobId: job.replayId };
  }

  @Get(':jobId')
  @ApiOperation({
    summary: "A bulk reconcile's progress and report",
    description: "A tenant sees its own tenant's jobs only; an operator sees every job.",
  })
  @ApiOkResponse({ type: ReconciliationProgressDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'invalid_replay_id' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'reconciliation_not_found' })
  async progress(
    @CurrentPrincipal() principal: Principal,
    @Param('jobId', ReplayIdPipe) jobId: string,
  ): Promise<ReconciliationProgressDto> {
    const job = await this.queries.execute<GetReplayJob, ReplayJob>(
      new GetReplayJob(principal, jobId, 'reconcile'),
    );
    return reconciliationProgress(job);
  }
}
