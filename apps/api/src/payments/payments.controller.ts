import { Body, Controller, Headers, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ReconcilePayment,
  RequestPayment,
  RequestRefund,
  type CommandMode,
  type PaymentCommandResponse,
} from '@ledger/payments';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant.decorator';
import {
  ApiJsonBodyProblems,
  GatewayUnavailableProblemDto,
  ProblemDto,
} from '../openapi/problem.dto';
import { PaymentIdPipe } from '../path-ids/path-id.pipe';
import { requireIdempotencyKey } from './idempotency-key';
import { prefersRespondAsync } from './prefer-header';
import {
  CreatePaymentDto,
  PaymentCommandResultDto,
  RefundPaymentDto,
  RefundResultDto,
} from './payment.dto';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: true,
  description:
    'A unique key per command; a repeat with the same body returns the first response (201 or ' +
    '202, whichever it was, in either mode)',
};

const PREFER_HEADER = {
  name: 'Prefer',
  required: false,
  description:
    'RFC 7240. `respond-async`: answer 202 as soon as the request is recorded; the charger makes ' +
    'the gateway call. Other preferences are ignored.',
};

@ApiTags('payments')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'unauthorized' })
@ApiServiceUnavailableResponse({ type: ProblemDto, description: 'store_unavailable' })
@ApiForbiddenResponse({ type: ProblemDto, description: "tenant_key_required: an operator's key" })
@UseGuards(ApiKeyGuard)
@Controller('payments')
export class PaymentsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @ApiOperation({
    summary: 'Create a payment and charge it through the gateway',
    description:
      'Records the request, calls the gateway (every attempt recorded), and answers with the ' +
      'outcome: succeeded, failed (a definitive decline, or a call refused before sending when no ' +
      'earlier run of the same request may have sent it) or outcome_unknown (the gateway may have ' +
      'acted but never answered; settled later by its webhook, by reconcile or by the sweeper). ' +
      'With `Prefer: respond-async`, answers 202 once the request is recorded and the charger ' +
      'charges it from the stream, with the same policies and gateway Idempotency-Key.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(PREFER_HEADER)
  @ApiCreatedResponse({ type: PaymentCommandResultDto })
  @ApiAcceptedResponse({
    type: PaymentCommandResultDto,
    description:
      'With `Prefer: respond-async`: the payment is recorded (`requested`) and charged from the ' +
      'stream; `Location` names it, `Preference-Applied: respond-async`',
  })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description:
      'validation_failed (also an undeclared member, `constructor` and `__proto__` included), ' +
      'idempotency_key_missing, idempotency_key_invalid, malformed_payload, payload_too_deep (nested over 16 levels)',
  })
  @ApiJsonBodyProblems()
  @ApiConflictResponse({ type: ProblemDto, description: 'request_in_progress' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'idempotency_key_reused' })
  async create(
    @TenantId() tenantId: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: CreatePaymentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const response = await this.commands.execute<RequestPayment, PaymentCommandResponse>(
      new RequestPayment(
        tenantId,
        requireIdempotencyKey(key),
        { ...body },
        request.id,
        modeOf(request),
      ),
    );
    return send(reply, response, String(response.body.paymentId));
  }

  @Post(':paymentId/refunds')
  @ApiOperation({
    summary: 'Refund (part of) a captured payment through the gateway',
    description:
      'With `Prefer: respond-async`, answers 202 once the refund request is recorded; the ' +
      'charger sends it from the stream.',
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiHeader(PREFER_HEADER)
  @ApiCreatedResponse({ type: RefundResultDto })
  @ApiAcceptedResponse({
    type: RefundResultDto,
    description:
      'With `Prefer: respond-async`: the refund is recorded (`requested`) and sent from the ' +
      'stream; `Location` names the payment, `Preference-Applied: respond-async`',
  })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description:
      'validation_failed (also an undeclared member, `constructor` and `__proto__` included), ' +
      'idempotency_key_missing, idempotency_key_invalid, invalid_payment_id, malformed_payload, payload_too_deep (nested over 16 levels)',
  })
  @ApiJsonBodyProblems()
  @ApiNotFoundResponse({ type: ProblemDto, description: 'payment_not_found' })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'refund_exceeds_balance, payment_not_refundable, request_in_progress',
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'idempotency_key_reused' })
  async refund(
    @TenantId() tenantId: string,
    @Param('paymentId', PaymentIdPipe) paymentId: string,
    @Headers('idempotency-key') key: string | undefined,
    @Body() body: RefundPaymentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const response = await this.commands.execute<RequestRefund, PaymentCommandResponse>(
      new RequestRefund(
        tenantId,
        paymentId,
        requireIdempotencyKey(key),
        { ...body },
        request.id,
        modeOf(request),
      ),
    );
    return send(reply, response, paymentId);
  }

  @Post(':paymentId/reconcile')
  @ApiOperation({
    summary: 'Ask the gateway what became of a payment that is not concluded',
    description:
      "Concludes the payment from the gateway's record of the charge; when the gateway has none, " +
      'an outcome_unknown payment, or a requested/processing one unchanged for longer than the ' +
      '30 s request lock, is charged again with the same gateway Idempotency-Key. A record that ' +
      'contradicts a concluded payment is recorded as a contradiction; the status stands. When ' +
      "the tenant's gateway cannot be asked (its circuit breaker is open), 503 " +
      'gateway_unavailable with Retry-After (seconds until the breaker lets a call through) and ' +
      'the payment as the ledger last recorded it; reads (GET /payments...) never need the gateway.',
  })
  @ApiOkResponse({ type: PaymentCommandResultDto })
  @ApiBadRequestResponse({ type: ProblemDto, description: 'invalid_payment_id' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'payment_not_found' })
  @ApiServiceUnavailableResponse({
    type: GatewayUnavailableProblemDto,
    description: 'gateway_unavailable (with Retry-After and `payment`, its last known state)',
    headers: { 'Retry-After': { description: 'seconds', schema: { type: 'integer' } } },
  })
  async reconcile(
    @TenantId() tenantId: string,
    @Param('paymentId', PaymentIdPipe) paymentId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    const response = await this.commands.execute<ReconcilePayment, PaymentCommandResponse>(
      new ReconcilePayment(tenantId, paymentId, request.id),
    );
    return send(reply, response, paymentId);
  }
}

/** `async` when the request prefers it (`Prefer: respond-async`), else `sync`. */
function modeOf(request: FastifyRequest): CommandMode {
  return prefersRespondAsync(request.headers.prefer) ? 'async' : 'sync';
}

/**
 * The command's answer. A 202 (the first answer of an accepted request, replayed alike) names the
 * payment to poll and says the preference was applied, whatever the repeat asked for.
 */
function send(
  reply: FastifyReply,
  response: PaymentCommandResponse,
  paymentId: string,
): Record<string, unknown> {
  void reply.status(response.statusCode);
  if (response.statusCode === 202) {
    void reply.header('location', `/payments/${encodeURIComponent(paymentId)}`);
    void reply.header('preference-applied', 'respond-async');
  }
  return response.body;
}
