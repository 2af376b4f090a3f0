import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
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

/** One item of `POST /payments/batch`: a payment as `POST /payments` takes it, and its key. */
export class PaymentBatchItemDto extends CreatePaymentDto {
  @ApiProperty({
    description:
      "This item's Idempotency-Key (1 to 255 printable characters), as the header of a single request",
    example: 'order-2026-0001-pay',
  })
  idempotencyKey!: string;
}

/** `POST /payments/batch`: each item is checked on its own, so items are plain objects here. */
export class PaymentBatchDto {
  @ApiProperty({ type: [PaymentBatchItemDto], minItems: 1, maxItems: 100 })
  @IsObject({ each: true, message: 'each item must be an object' })
  @ArrayMaxSize(100, { message: 'a batch holds at most 100 items' })
  @ArrayMinSize(1, { message: 'a batch holds at least one item' })
  @IsArray({ message: 'items must be an array' })
  @IsDefined({ message: 'items is required' })
  items!: Record<string, unknown>[];

  @ApiPropertyOptional({
    enum: ['async', 'sync'],
    default: 'async',
    description:
      '`async` (default): each item is accepted (202) and charged by the charger; `sync`: each ' +
      'item is charged within the request (201), up to the deadline',
  })
  @IsIn(['async', 'sync'], { message: 'mode must be async or sync' })
  @IsOptional()
  mode?: 'async' | 'sync';
}

/** One item's answer in a batch's 207. */
export class PaymentBatchItemResultDto {
  @ApiProperty({ type: 'integer', description: "The item's place in the request", example: 0 })
  index!: number;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: "The item's key; null when the item had none that is a string",
    example: 'order-2026-0001-pay',
  })
  idempotencyKey!: string | null;

  @ApiProperty({
    type: 'integer',
    description:
      'The HTTP status a single POST /payments would answer: 202, 201, or a problem status (400, ' +
      '409, 422, 503 batch_deadline_exceeded...)',
    example: 202,
  })
  status!: number;

  @ApiProperty({
    description:
      'The body a single request would get: a PaymentCommandResult, or its problem+json document',
    type: 'object',
    additionalProperties: true,
  })
  body!: Record<string, unknown>;
}

export class PaymentBatchResultDto {
  @ApiProperty({ type: [PaymentBatchItemResultDto] })
  items!: PaymentBatchItemResultDto[];
}
