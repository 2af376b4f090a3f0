import { applyDecorators } from '@nestjs/common';
import {
  ApiPayloadTooLargeResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';

/** RFC 9457 problem details, as every error leaves the API. */
export class ProblemDto {
  @ApiProperty({
    description: 'urn:problem-type:integration-ledger:<code>',
    pattern: '^urn:problem-type:integration-ledger:[a-z_]+$',
  })
  type!: string;

  @ApiProperty({ description: "The status's reason phrase, e.g. Bad Request" })
  title!: string;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, description: 'The HTTP status' })
  status!: number;

  @ApiProperty({
    description: 'Stable, machine-readable error code (docs/api.md, "Error codes")',
    pattern: '^[a-z_]+$',
  })
  code!: string;

  @ApiProperty({ description: 'What went wrong, for a person' })
  detail!: string;

  @ApiProperty({
    description: "The request's correlation id, as in the x-correlation-id header",
    example: '01J8Z3K4M5N6P7Q8R9S0T1V2W3',
  })
  correlationId!: string;

  @ApiPropertyOptional({ type: [String], description: 'Validation messages (validation_failed)' })
  errors?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'method_not_allowed: the methods the path has (also the Allow header)',
  })
  allow?: string[];
}

/** The refusals every JSON request body may get, before its endpoint sees it. */
export function ApiJsonBodyProblems(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiPayloadTooLargeResponse({
      type: ProblemDto,
      description: 'payload_too_large (over 256 KiB)',
    }),
    ApiUnsupportedMediaTypeResponse({
      type: ProblemDto,
      description: 'unsupported_media_type (not application/json)',
    }),
  );
}

/** A payment as the ledger last recorded it, in a problem that could not reach the gateway. */
export class LastKnownPaymentDto {
  @ApiProperty() paymentId!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: 'integer' }) amount!: number;
  @ApiPropertyOptional() currency?: string;
  @ApiPropertyOptional() updatedAt?: string;
  @ApiProperty({ type: 'integer', description: 'The stream version the state reflects' })
  version!: number;
}

/** `gateway_unavailable`: the problem carries the payment as the ledger last recorded it. */
export class GatewayUnavailableProblemDto extends ProblemDto {
  @ApiProperty({ type: LastKnownPaymentDto }) payment!: LastKnownPaymentDto;
}
