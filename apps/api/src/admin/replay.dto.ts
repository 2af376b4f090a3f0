import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsDateTime, IsNotBefore } from '../http/date-time.validators';
import { PATH_ID_GRAMMARS } from '../path-ids/path-id.pipe';

const PAYMENT_ID_PATTERN = PATH_ID_GRAMMARS.payment;

export class ReplayScopeDto {
  @ApiPropertyOptional({ description: 'Only this payment', pattern: PAYMENT_ID_PATTERN.source })
  @IsOptional()
  @Matches(PAYMENT_ID_PATTERN, { message: 'scope.paymentId must be a payment id (pay_...)' })
  @IsString()
  paymentId?: string;

  @ApiPropertyOptional({ description: 'Events recorded at or after (ISO-8601 date-time)' })
  @IsOptional()
  @IsDateTime()
  from?: string;

  @ApiPropertyOptional({
    description: 'Events recorded before (ISO-8601 date-time); not before `from`',
  })
  @IsOptional()
  @IsNotBefore('from')
  @IsDateTime()
  to?: string;

  @ApiPropertyOptional({ type: [String], description: 'republish: only these detail-types' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { each: true })
  @ArrayMaxSize(20)
  @IsArray()
  detailTypes?: string[];
}

export class StartReplayDto {
  @ApiProperty({ enum: ['rebuild', 'republish'] })
  @IsIn(['rebuild', 'republish'])
  @IsDefined({ message: 'kind is required' })
  kind!: 'rebuild' | 'republish';

  @ApiPropertyOptional({
    type: ReplayScopeDto,
    description: "Within the caller's tenant (with an operator key: `tenantId`'s, or the store's)",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReplayScopeDto)
  scope?: ReplayScopeDto;

  @ApiPropertyOptional({
    description:
      'republish: the rule to re-deliver to, e.g. PaymentReceiptsFunction.PaymentOutcomes',
  })
  @IsOptional()
  @Length(1, 256)
  @IsString()
  rule?: string;

  @ApiPropertyOptional({ description: 'republish: events per second', default: 50 })
  @IsOptional()
  @Max(1000)
  @Min(1)
  @IsInt()
  ratePerSecond?: number;

  @ApiPropertyOptional({ description: 'Report what would be processed; change nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    description:
      'Operator key only: the tenant to replay. A tenant key may only name itself ' +
      '(403 operator_key_required otherwise)',
  })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'tenantId must be a tenant id' })
  @IsString()
  tenantId?: string;

  @ApiPropertyOptional({
    description:
      'Operator key only: replay every tenant of the store (403 operator_key_required for a ' +
      'tenant key). An operator names `tenantId` or sets this.',
  })
  @IsOptional()
  @IsBoolean()
  storeWide?: boolean;
}

export class ReplayStartedDto {
  @ApiProperty() replayId!: string;
}

export class ReplayProgressDto {
  @ApiProperty() replayId!: string;
  @ApiProperty({ enum: ['rebuild', 'republish', 'reconcile'] }) kind!: string;
  @ApiProperty({ enum: ['running', 'interrupted', 'failed', 'completed'] }) status!: string;
  @ApiProperty() processed!: number;
  @ApiPropertyOptional() total?: number;
  @ApiProperty() startedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional() finishedAt?: string;
  @ApiPropertyOptional({ description: 'In place and republish: where a resume starts' })
  checkpoint?: string;
  @ApiPropertyOptional({
    description: 'Blue/green rebuild: per time-index reader (lane), where it resumes',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  shardCheckpoints?: Record<string, string>;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) result?: Record<
    string,
    unknown
  >;
}
