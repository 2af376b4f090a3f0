import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsISO4217CurrencyCode,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

/** Largest amount accepted, in minor units: far above any single card payment, far below 2^53. */
export const MAX_AMOUNT = 100_000_000_000;
const REFERENCE = /^[A-Za-z0-9._:-]+$/;

export class CreatePaymentDto {
  @ApiProperty({ description: 'Integer amount in minor units (cents)', example: 1250, minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  amount!: number;

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'EUR' })
  @IsISO4217CurrencyCode()
  currency!: string;

  @ApiPropertyOptional({ example: 'cus_42', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(REFERENCE, { message: 'customerId may hold letters, digits, ".", "_", ":" and "-"' })
  customerId?: string;

  @ApiPropertyOptional({ example: 'order-2026-0001', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(REFERENCE, { message: 'orderId may hold letters, digits, ".", "_", ":" and "-"' })
  orderId?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  description?: string;
}

export class RefundPaymentDto {
  @ApiProperty({
    description: 'Integer amount in minor units, at most what is left to refund',
    example: 500,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  amount!: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class PaymentCommandResultDto {
  @ApiProperty({ example: 'pay_01J...' })
  paymentId!: string;

  @ApiProperty({
    enum: [
      'requested',
      'processing',
      'succeeded',
      'failed',
      'outcome_unknown',
      'partially_refunded',
      'refunded',
    ],
  })
  status!: string;

  @ApiProperty({ description: 'The payment stream version after this command' })
  version!: number;
}

export class RefundResultDto {
  @ApiProperty({ example: 're_01J...' })
  refundId!: string;

  @ApiProperty({ enum: ['requested', 'succeeded', 'failed', 'outcome_unknown'] })
  status!: string;

  @ApiProperty({ description: "The payment's status after the refund" })
  paymentStatus!: string;

  @ApiProperty()
  version!: number;
}
