import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  GetPayment,
  GetPaymentHistory,
  ListPayments,
  type HistoryPage,
  type PaymentListView,
  type PaymentView,
} from '@ledger/projections';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant.decorator';
import { ProblemDto } from '../openapi/problem.dto';
import { PaymentIdPipe } from '../path-ids/path-id.pipe';
import {
  GetPaymentQueryDto,
  HistoryPageDto,
  HistoryQueryDto,
  ListPaymentsQueryDto,
  PaymentListDto,
  PaymentViewDto,
} from './payment-query.dto';

@ApiTags('payments')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'unauthorized' })
@ApiForbiddenResponse({ type: ProblemDto, description: "tenant_key_required: an operator's key" })
@UseGuards(ApiKeyGuard)
@Controller('payments')
export class PaymentQueriesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: "List the tenant's payments, newest first" })
  @ApiOkResponse({ type: PaymentListDto })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description:
      'validation_failed (also `to` before `from`), invalid_cursor (a cursor this server did ' +
      'not issue for these filters and this tenant)',
  })
  list(
    @TenantId() tenantId: string,
    @Query() query: ListPaymentsQueryDto,
  ): Promise<PaymentListView> {
    return this.queries.execute<ListPayments, PaymentListView>(
      new ListPayments({
        tenantId,
        status: query.status,
        customerId: query.customerId,
        ...(query.contradicted !== undefined && { contradicted: query.contradicted === 'true' }),
        from: query.from,
        to: query.to,
        limit: query.limit ?? 20,
        cursor: query.cursor,
      }),
    );
  }

  @Get(':paymentId')
  @ApiOperation({ summary: "A payment's current state and the stream version it reflects" })
  @ApiOkResponse({ type: PaymentViewDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'validation_failed, invalid_payment_id' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'payment_not_found' })
  get(
    @TenantId() tenantId: string,
    @Param('paymentId', PaymentIdPipe) paymentId: string,
    @Query() query: GetPaymentQueryDto,
  ): Promise<PaymentView> {
    return this.queries.execute<GetPayment, PaymentView>(
      new GetPayment(tenantId, paymentId, query.minVersion),
    );
  }

  @Get(':paymentId/history')
  @ApiOperation({
    summary: 'Every event of the payment, in order',
    description: 'Requests, each gateway attempt, each webhook delivery linked, refunds.',
  })
  @ApiOkResponse({ type: HistoryPageDto })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'payment_not_found' })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'validation_failed, invalid_payment_id' })
  history(
    @TenantId() tenantId: string,
    @Param('paymentId', PaymentIdPipe) paymentId: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryPage> {
    return this.queries.execute<GetPaymentHistory, HistoryPage>(
      new GetPaymentHistory(tenantId, paymentId, {
        cursor: query.cursor,
        limit: query.limit ?? 100,
        types: query.types?.split(','),
      }),
    );
  }
}
