import { Controller, Get, Inject, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FastifyReply } from 'fastify';
import type { LedgerTables } from '@ledger/event-store';
import type { PaymentGateway } from '@ledger/outbound';
import { DYNAMODB_CLIENT, LEDGER_TABLES, PAYMENT_GATEWAY } from '../api-dependencies';
import { probeStorage } from './storage-probe';

export class HealthReport {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status!: 'ok' | 'unavailable';

  @ApiProperty({ enum: ['up', 'down'], description: 'Whether the events table answers' })
  dynamodb!: 'up' | 'down';

  @ApiProperty({
    description: "The payment gateway client's circuit breaker",
    example: { circuit: 'closed' },
  })
  gateway!: { circuit: 'closed' | 'open' | 'half_open' | 'isolated' };
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DYNAMODB_CLIENT) private readonly dynamoDb: DynamoDBClient,
    @Inject(LEDGER_TABLES) private readonly tables: LedgerTables,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  /** 200 when the service can serve; 503 (same body) when storage is unreachable. */
  @Get()
  @ApiOkResponse({ type: HealthReport, description: 'The service can serve' })
  @ApiServiceUnavailableResponse({ type: HealthReport, description: 'Storage is unreachable' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const up = await probeStorage(this.dynamoDb, this.tables.events);
    void reply.status(up ? 200 : 503);
    return {
      status: up ? 'ok' : 'unavailable',
      dynamodb: up ? 'up' : 'down',
      gateway: { circuit: this.gateway.circuitState() },
    };
  }
}
