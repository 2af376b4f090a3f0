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
import { DYNAMODB_CLIENT, LEDGER_TABLES } from '../api-dependencies';
import { probeStorage } from './storage-probe';

export class HealthReport {
  @ApiProperty({ enum: ['ok', 'unavailable'] })
  status!: 'ok' | 'unavailable';

  @ApiProperty({ enum: ['up', 'down'], description: 'Whether the events table answers' })
  dynamodb!: 'up' | 'down';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DYNAMODB_CLIENT) private readonly dynamoDb: DynamoDBClient,
    @Inject(LEDGER_TABLES) private readonly tables: LedgerTables,
  ) {}

  /** 200 when the service can serve; 503 (same body) when storage is unreachable. */
  @Get()
  @ApiOkResponse({ type: HealthReport, description: 'The service can serve' })
  @ApiServiceUnavailableResponse({ type: HealthReport, description: 'Storage is unreachable' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const up = await probeStorage(this.dynamoDb, this.tables.events);
    void reply.status(up ? 200 : 503);
    return { status: up ? 'ok' : 'unavailable', dynamodb: up ? 'up' : 'down' };
  }
}
