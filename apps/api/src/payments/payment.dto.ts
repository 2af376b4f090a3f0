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
  @ApiProperty({
    description: 'Integer amount in minor units (cents)',
    type: 'integer',
    example: 1250,
    minimum: 1,
    maximum: MAX_AMOUNT,
  })
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
    type: 'integer',
    example: 500,
    minimum: 1,
    maximum: MAX_AMOUNT,
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
  @ApiProperty({ example: 'pay_01JQ7Z3K4M5N6P7Q8R9S0T1V2W' })
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
    // What the sandbox's answer gives: the request, the attempt and the outcome are 3 events.
    example: 'succeeded',
  })
  status!: string;

  @ApiProperty({
    description: 'The payment stream version after this command',
    type: 'integer',
    example: 3,
  })
  version!: number;
}

export class RefundResultDto {
  @ApiProperty({ example: 're_01JQ7Z9A1B2C3D4E5F6G7H8J9K' })
  refundId!: string;

  @ApiProperty({
    enum: ['requested', 'succeeded', 'failed', 'outcome_unknown'],
    example: 'succeeded',
  })
  status!: string;

  @ApiProperty({
    description: "The payment's status after the refund",
    example: 'partially_refunded',
  })
  paymentStatus!: string;

  @ApiProperty({ type: 'integer', example: 6 })
  version!: number;
}
