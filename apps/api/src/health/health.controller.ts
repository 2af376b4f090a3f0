import { Controller, Get, Inject, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FastifyReply } from 'fastify';
import type { LedgerTables } from '@ledger/event-store';
import type { TenantGateways } from '@ledger/outbound';
import { DYNAMODB_CLIENT, EVENT_BRIDGE, LEDGER_TABLES, PAYMENT_GATEWAY } from '../api-dependencies';
import { probeBus, probeStorage } from './storage-probe';

export class HealthReport {
  @ApiProperty({
    enum: ['ok', 'degraded', 'unavailable'],
    description: 'unavailable (503) without storage; degraded when only the bus is unreachable',
  })
  status!: 'ok' | 'degraded' | 'unavailable';

  @ApiProperty({ enum: ['up', 'down'], description: 'Whether the events table answers' })
  dynamodb!: 'up' | 'down';

  @ApiProperty({
    enum: ['up', 'down'],
    description: 'Whether the event bus answers (integration events wait in the stream meanwhile)',
  })
  bus!: 'up' | 'down';

  @ApiProperty({
    description:
      "The tenants' gateway clients, one per tenant account, each with its own circuit breaker: " +
      '`circuit` is the worst of their states (closed < half_open < open < isolated), ' +
      '`notClosed` how many are not closed. No tenant is named: /health is public.',
    example: { circuit: 'closed', notClosed: 0 },
  })
  gateway!: { circuit: 'closed' | 'open' | 'half_open' | 'isolated'; notClosed: number };
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(DYNAMODB_CLIENT) private readonly dynamoDb: DynamoDBClient,
    @Inject(LEDGER_TABLES) private readonly tables: LedgerTables,
    @Inject(PAYMENT_GATEWAY) private readonly gateways: TenantGateways,
    @Inject(EVENT_BRIDGE) private readonly eventBridge: EventBridgeClient,
  ) {}

  /** 200 when the service can serve; 503 (same body) when storage is unreachable. */
  @Get()
  @ApiOkResponse({ type: HealthReport, description: 'The service can serve' })
  @ApiServiceUnavailableResponse({ type: HealthReport, description: 'Storage is unreachable' })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const [up, busUp] = await Promise.all([
      probeStorage(this.dynamoDb, this.tables.events),
      probeBus(this.eventBridge),
    ]);
    void reply.status(up ? 200 : 503);
    return {
      status: !up ? 'unavailable' : busUp ? 'ok' : 'degraded',
      dynamodb: up ? 'up' : 'down',
      bus: busUp ? 'up' : 'down',
      gateway: {
        circuit: this.gateways.circuitState(),
        notClosed: this.gateways.notClosed(),
      },
    };
  }
}
