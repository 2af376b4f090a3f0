import { Controller, Get, Inject } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { StoreUnavailableError } from '@ledger/errors';
import type { TenantGateways } from '@ledger/outbound';
import {
  BACKLOG_PROBE,
  BUS_PROBE,
  CONSUMERS_PROBE,
  PAYMENT_GATEWAY,
  STORAGE_PROBE,
} from '../api-dependencies';
import { ProblemDto } from '../openapi/problem.dto';
import type {
  BacklogProbe,
  BusProbe,
  ConsumersProbe,
  ConsumersState,
  StorageProbe,
} from './health-probes.port';

const CONSUMERS_STATES: readonly ConsumersState[] = [
  'starting',
  'running',
  'restarting',
  'stopping',
  'stopped',
  'failed',
];

export class HealthReport {
  @ApiProperty({
    enum: ['ok', 'degraded'],
    description:
      'degraded when storage answers but the bus is unreachable or the stream consumers are not running',
  })
  status!: 'ok' | 'degraded';

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

  @ApiPropertyOptional({
    enum: CONSUMERS_STATES,
    description:
      "The stream consumers' process that `ledger start` runs and restarts after a crash: " +
      '`restarting` meanwhile, `failed` once it gave up after repeated crashes. Projections and ' +
      'integration events wait in the stream while it is not `running`. Absent in AWS, where ' +
      'each consumer is a function of its own.',
  })
  consumers?: ConsumersState;

  @ApiPropertyOptional({
    description:
      'The backlog of accepted payments: how many are still `requested` (accepted with ' +
      '`Prefer: respond-async` or in a batch and not yet charged, e.g. while a breaker is open), ' +
      'counted over at most 1,000 unsettled payments (`atLeast` when there were more). Absent ' +
      'when the read model does not answer.',
    example: { requested: 0, atLeast: false },
  })
  backlog?: { requested: number; atLeast: boolean };
}

/**
 * Storage is unreachable: answered as a problem (503, Retry-After) carrying the checks. A
 * StoreUnavailableError, whose code it answers with, plus the health checks as details.
 */
export class ServiceUnavailableError extends StoreUnavailableError {
  constructor(private readonly report: Omit<HealthReport, 'status'>) {
    super('The service cannot serve: storage is unreachable');
  }

  override details(): Record<string, unknown> {
    const { dynamodb, bus, gateway, consumers } = this.report;
    return { dynamodb, bus, gateway, ...(consumers !== undefined && { consumers }) };
  }
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(STORAGE_PROBE) private readonly storage: StorageProbe,
    @Inject(PAYMENT_GATEWAY) private readonly gateways: TenantGateways,
    @Inject(BUS_PROBE) private readonly bus: BusProbe,
    @Inject(BACKLOG_PROBE) private readonly backlog: BacklogProbe,
    @Inject(CONSUMERS_PROBE) private readonly consumers: ConsumersProbe | null = null,
  ) {}

  /**
   * 200 when the service can serve (degraded when the bus or the local stream consumers are
   * down); when storage is unreachable, a 503 problem (code store_unavailable, Retry-After) with
   * the same checks as members.
   */
  @Get()
  @ApiOkResponse({ type: HealthReport, description: 'The service can serve' })
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description:
      'store_unavailable: storage is unreachable; the problem carries `dynamodb`, `bus` and ' +
      '`gateway` (and `consumers`) as in the 200 report, and Retry-After',
  })
  async health(): Promise<HealthReport> {
    const [up, busUp, backlog] = await Promise.all([
      this.storage.reachable(),
      this.bus.reachable(),
      this.backlog.waiting(),
    ]);
    const checks = {
      dynamodb: up ? ('up' as const) : ('down' as const),
      bus: busUp ? ('up' as const) : ('down' as const),
      gateway: {
        circuit: this.gateways.circuitState(),
        notClosed: this.gateways.notClosed(),
      },
      ...(this.consumers !== null && { consumers: this.consumers.state() }),
    };
    if (!up) throw new ServiceUnavailableError(checks);
    const consumersRunning = checks.consumers === undefined || checks.consumers === 'running';
    return {
      status: busUp && consumersRunning ? 'ok' : 'degraded',
      ...checks,
      ...(backlog !== undefined && { backlog }),
    };
  }
}
