import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 9457 problem details, as every error leaves the API. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:problem-type:integration-ledger:invalid_signature' })
  type!: string;

  @ApiProperty({ example: 'Unauthorized' })
  title!: string;

  @ApiProperty({ example: 401 })
  status!: number;

  @ApiProperty({ description: 'Stable, machine-readable error code', example: 'invalid_signature' })
  code!: string;

  @ApiProperty({
    example: 'Invalid hmac-sha256 webhook signature: No signature matched any configured secret',
  })
  detail!: string;

  @ApiPropertyOptional({ type: [String], description: 'Validation messages (validation_failed)' })
  errors?: string[];
}
