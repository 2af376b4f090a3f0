import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  DEFAULT_RECONCILE_STATUSES,
  RECONCILABLE_STATUSES,
  type ReconcileItemResult,
  type ReconcileJobResult,
} from '@ledger/payments';
import type { ReplayJob } from '@ledger/replay';

/** The most payments one reconcile job asks at once (the gateway client's bulkhead takes 10). */
export const MAX_RECONCILE_CONCURRENCY = 10;

export class StartReconciliationDto {
  @ApiPropertyOptional({
    type: [String],
    enum: RECONCILABLE_STATUSES,
    default: DEFAULT_RECONCILE_STATUSES,
    description: 'The statuses selected',
  })
  @IsOptional()
  @IsIn(RECONCILABLE_STATUSES, { each: true })
  @ArrayMaxSize(3)
  @ArrayMinSize(1)
  @IsArray()
  status?: string[];

  @ApiPropertyOptional({
    description:
      'Only payments unchanged for this long: `90s`, `10m`, `2h`, `1d` or seconds. Default 0 (all)',
    example: '10m',
  })
  @IsOptional()
  @Matches(/^\d{1,7}[smhd]?$/, {
    message: 'olderThan must be a duration such as 90s, 10m, 2h or 1d',
  })
  @IsString()
  olderThan?: string;

  @ApiPropertyOptional({ description: 'Payments asked at once', default: 4, maximum: 10 })
  @IsOptional()
  @Max(MAX_RECONCILE_CONCURRENCY)
  @Min(1)
  @IsInt()
  concurrency?: number;

  @ApiPropertyOptional({ description: 'Gateway calls per second and tenant', default: 25 })
  @IsOptional()
  @Max(1000)
  @Min(1)
  @IsInt()
  ratePerSecond?: number;

  @ApiPropertyOptional({ description: 'List what would be asked; ask the gateway nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    description:
      'Operator key only: the tenant whose payments are reconciled. A tenant key may only name ' +
      'itself (403 operator_key_required otherwise)',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'tenantId must be a tenant id' })
  @IsString()
  tenantId?: string;

  @ApiPropertyOptional({
    description:
      "Operator key only: every tenant's payments (403 operator_key_required for a tenant key). " +
      'An operator names `tenantId` or sets this.',
  })
  @IsOptional()
  @IsBoolean()
  storeWide?: boolean;
}

export class ReconciliationStartedDto {
  @ApiProperty() jobId!: string;
}

export class ReconcileItemDto {
  @ApiProperty() tenantId!: string;
  @ApiProperty() paymentId!: string;
  @ApiProperty({ description: 'The status the unsettled index listed it with' }) listed!: string;
  @ApiProperty({ enum: ['settled', 'unknown', 'skipped', 'error', 'selected'] }) outcome!: string;
  @ApiPropertyOptional({ description: 'Its status after the run' }) status?: string;
  @ApiPropertyOptional({ description: 'An error code, or gateway_unavailable' }) code?: string;
  @ApiPropertyOptional() detail?: string;
}

export class ReconciliationSelectionDto {
  @ApiProperty({ type: [String] }) status!: string[];
  @ApiProperty() olderThanSeconds!: number;
  @ApiProperty({ description: 'Payments unchanged since before this instant' })
  updatedBefore!: string;
  @ApiPropertyOptional({ description: "Absent: every tenant's" }) tenantId?: string;
}

export class ReconciliationProgressDto {
  @ApiProperty() jobId!: string;
  @ApiProperty({ enum: ['running', 'interrupted', 'failed', 'completed'] }) status!: string;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ type: ReconciliationSelectionDto }) selection!: ReconciliationSelectionDto;
  @ApiProperty() concurrency!: number;
  @ApiProperty({ description: 'Payments done so far' }) processed!: number;
  @ApiPropertyOptional({ description: 'Payments selected, counted when the job began' })
  total?: number;
  @ApiProperty({
    description: 'Payments this job concluded, by the status they reached',
    type: 'object',
    additionalProperties: { type: 'integer' },
  })
  settled!: Record<string, number>;
  @ApiProperty({ description: 'Asked, still not concluded' }) unknown!: number;
  @ApiProperty({ description: 'Already concluded when their turn came' }) skipped!: number;
  @ApiProperty() errors!: number;
  @ApiProperty() startedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional() finishedAt?: string;
  @ApiPropertyOptional() error?: string;
  @ApiProperty({
    type: [ReconcileItemDto],
    description: 'Each payment as it ended (the first 500; `itemsOmitted` counts the rest)',
  })
  items!: ReconcileItemDto[];
  @ApiPropertyOptional() itemsOmitted?: number;
}

/** A reconcile job's record as `GET /admin/reconciliations/{id}` shows it. */
export function reconciliationProgress(job: ReplayJob): ReconciliationProgressDto {
  const result = (job.result ?? {}) as Partial<ReconcileJobResult>;
  const summary = result.summary;
  const spec = job.reconcile;
  return {
    jobId: job.replayId,
    status: job.status,
    dryRun: job.dryRun,
    selection: {
      status: spec?.statuses ?? [],
      olderThanSeconds: spec?.olderThanSeconds ?? 0,
      updatedBefore: spec?.updatedBefore ?? job.startedAt,
      ...(job.scope.tenantId !== undefined && { tenantId: job.scope.tenantId }),
    },
    concurrency: spec?.concurrency ?? 1,
    processed: job.processed,
    ...(job.total !== undefined && { total: job.total }),
    settled: summary?.settled ?? {},
    unknown: summary?.unknown ?? 0,
    skipped: summary?.skipped ?? 0,
    errors: summary?.errors ?? 0,
    startedAt: job.startedAt,
    updatedAt: job.updatedAt,
    ...(job.finishedAt !== undefined && { finishedAt: job.finishedAt }),
    ...(job.error !== undefined && { error: job.error }),
    items: (result.items ?? []).map((item: ReconcileItemResult) => ({ ...item })),
    ...(result.itemsOmitted !== undefined && { itemsOmitted: result.itemsOmitted }),
  };
}
