import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PAYMENT_EVENT_TYPES, PAYMENT_STATUSES, type PaymentStatus } from '@ledger/ledger';
import { IsDateTime, IsNotBefore } from '../http/date-time.validators';

const EVENT_TYPE = `(?:${PAYMENT_EVENT_TYPES.join('|')})`;
/** A history's `types`: payment event types, comma-separated; an unknown one is refused. */
const EVENT_TYPE_LIST = new RegExp(`^${EVENT_TYPE}(?:,${EVENT_TYPE})*$`);

export class GetPaymentQueryDto {
  @ApiPropertyOptional({
    description: 'Wait briefly (up to 2 s) until the view reflects at least this stream version',
  })
  @IsOptional()
  @Type(() => Number)
  @Min(0)
  @IsInt()
  minVersion?: number;
}

export class ListPaymentsQueryDto {
  @ApiPropertyOptional({ enum: PAYMENT_STATUSES })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES)
  status?: PaymentStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Length(1, 64)
  @IsString()
  customerId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'true: only payments whose recorded outcome the gateway has contradicted; false: only the others',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  contradicted?: 'true' | 'false';

  @ApiPropertyOptional({ description: 'Created at or after (ISO-8601 date-time)' })
  @IsOptional()
  @IsDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO-8601 date-time); not before `from`' })
  @IsOptional()
  @IsNotBefore('from')
  @IsDateTime()
  to?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @Max(100)
  @Min(1)
  @IsInt()
  limit?: number;

  @ApiPropertyOptional({
    description:
      'nextCursor of the previous page, with the same filters (another pairing is 400 invalid_cursor)',
  })
  @IsOptional()
  @Length(1, 2048)
  @IsString()
  cursor?: string;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @Matches(/^[1-9][0-9]{0,9}$/, { message: 'cursor must be a nextCursor from a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @Max(500)
  @Min(1)
  @IsInt()
  limit?: number;

  @ApiPropertyOptional({
    description:
      'Comma-separated event types to keep, e.g. GatewayCallAttempted,WebhookLinked (WebhookLinked also keeps the state events that carry the link of the webhook delivery that caused them, in data.webhook); one of ' +
      `${PAYMENT_EVENT_TYPES.join(', ')} each (400 validation_failed otherwise)`,
    pattern: EVENT_TYPE_LIST.source,
  })
  @IsOptional()
  @Matches(EVENT_TYPE_LIST, {
    message: `types is a comma-separated list of: ${PAYMENT_EVENT_TYPES.join(', ')}`,
  })
  types?: string;
}

export class PaymentViewDto {
  @ApiProperty() paymentId!: string;
  @ApiProperty({ enum: PAYMENT_STATUSES }) status!: string;
  @ApiProperty() amount!: number;
  @ApiProperty() currency!: string;
  @ApiPropertyOptional() customerId?: string;
  @ApiPropertyOptional() orderId?: string;
  @ApiPropertyOptional() description?: string;
  @ApiProperty() capturedAmount!: number;
  @ApiProperty() refundedAmount!: number;
  @ApiProperty() refundableAmount!: number;
  @ApiPropertyOptional() gatewayTransactionId?: string;
  @ApiPropertyOptional() statusReason?: string;
  @ApiPropertyOptional() declineCode?: string;
  @ApiProperty({ description: 'Gateway call attempts of any operation' }) attempts!: number;
  @ApiPropertyOptional({ example: { outcome: 'timeout', at: '2026-01-01T00:00:00.000Z' } })
  lastError?: { outcome: string; httpStatus?: number; at: string };
  @ApiProperty({ description: 'Webhook deliveries linked to this payment' })
  webhookDeliveries!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description:
      "The gateway's reports that contradict the recorded outcome (reported, recordedStatus, conflict, source, at, ...); empty when none",
    example: [
      {
        reported: 'payment_succeeded',
        recordedStatus: 'failed',
        conflict: 'payment_failed_at_ledger',
        source: 'webhook',
        gatewayTransactionId: 'ch_1',
        at: '2026-01-01T00:00:05.000Z',
      },
    ],
  })
  contradictions!: PaymentViewContradiction[];
  @ApiProperty({ type: 'array', items: { type: 'object' } })
  refunds!: Array<{ refundId: string; amount: number; status: string }>;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ description: 'The payment stream version this view reflects' }) version!: number;
}

type PaymentViewContradiction = {
  reported: string;
  recordedStatus: string;
  conflict: string;
  source: string;
  at: string;
};

export class PaymentListDto {
  @ApiProperty({ type: [PaymentViewDto] }) items!: PaymentViewDto[];
  @ApiPropertyOptional() nextCursor?: string;
}

export class HistoryEventDto {
  @ApiProperty() version!: number;
  @ApiProperty() eventId!: string;
  @ApiProperty({ example: 'GatewayCallAttempted' }) type!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
}

export class HistoryPageDto {
  @ApiProperty({ type: [HistoryEventDto] }) events!: HistoryEventDto[];
  @ApiPropertyOptional() nextCursor?: string;
}
