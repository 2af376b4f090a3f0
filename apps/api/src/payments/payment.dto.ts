import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDefined,
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
  @Max(MAX_AMOUNT)
  @Min(1)
  @IsInt({ message: 'amount must be an integer (minor units)' })
  @IsDefined({ message: 'amount is required' })
  amount!: number;

  @ApiProperty({ description: 'ISO 4217 currency code', example: 'EUR' })
  @IsISO4217CurrencyCode()
  @IsDefined({ message: 'currency is required' })
  currency!: string;

  @ApiPropertyOptional({ example: 'cus_42', maxLength: 64 })
  @IsOptional()
  @Matches(REFERENCE, { message: 'customerId may hold letters, digits, ".", "_", ":" and "-"' })
  @Length(1, 64)
  @IsString()
  customerId?: string;

  @ApiPropertyOptional({ example: 'order-2026-0001', maxLength: 64 })
  @IsOptional()
  @Matches(REFERENCE, { message: 'orderId may hold letters, digits, ".", "_", ":" and "-"' })
  @Length(1, 64)
  @IsString()
  orderId?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Length(1, 500)
  @IsString()
  description?: string;
}

export class RefundPaymentDto {
  @ApiProperty({
    description: 'Integer amount in minor units, at most what is left to refund',
    example: 500,
  })
  @Max(MAX_AMOUNT)
  @Min(1)
  @IsInt({ message: 'amount must be an integer (minor units)' })
  @IsDefined({ message: 'amount is required' })
  amount!: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Length(1, 500)
  @IsString()
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
