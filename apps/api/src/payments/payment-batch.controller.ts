import { Body, Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOperation,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyRequest } from 'fastify';
import { ValidationFailedError } from '@ledger/errors';
import type { Logger } from '@ledger/observability';
import {
  IdempotencyKeyInvalidError,
  RequestPaymentBatch,
  type CreatePaymentInput,
  type PaymentBatchItem,
  type PaymentBatchResult,
} from '@ledger/payments';
import { LOGGER } from '../api-dependencies';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { TenantId } from '../auth/tenant.decorator';
import { toProblem } from '../http/problem-details';
import { StrictValidationPipe } from '../http/strict-validation.pipe';
import { ApiJsonBodyProblems, ProblemDto } from '../openapi/problem.dto';
import { requireIdempotencyKey } from './idempotency-key';
import { CreatePaymentDto, PaymentBatchDto, PaymentBatchResultDto } from './payment.dto';

/** One item's answer: the status and body a single `POST /payments` would have given. */
interface BatchItemAnswer {
  index: number;
  idempotencyKey: string | null;
  status: number;
  body: Record<string, unknown>;
}

/** Each item is checked as the body of a single `POST /payments` is (the global pipe's rules). */
const ITEM_PIPE = new StrictValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: true,
});

@ApiTags('payments')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ProblemDto, description: 'unauthorized' })
@ApiServiceUnavailableResponse({ type: ProblemDto, description: 'store_unavailable' })
@ApiForbiddenResponse({ type: ProblemDto, description: "tenant_key_required: an operator's key" })
@UseGuards(ApiKeyGuard)
@Controller('payments')
export class PaymentBatchController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('batch')
  @HttpCode(207)
  @ApiOperation({
    summary: 'Create up to 100 payments, each with its own Idempotency-Key',
    description:
      'Each item is handled as a single POST /payments with the item’s `idempotencyKey` would be ' +
      '(same validation, same idempotency: a repeat of the batch replays each item’s first ' +
      'answer). Asynchronous by default: each accepted item answers 202 and the charger charges ' +
      'it; `"mode": "sync"` charges within the request, a few at a time, and items the deadline ' +
      'leaves unanswered get 503 batch_deadline_exceeded (safe to retry with the same key). One ' +
      'bad item never fails the others.',
  })
  @ApiResponse({
    status: 207,
    type: PaymentBatchResultDto,
    description: 'One entry per item, in request order: its status and body',
  })
  @ApiBadRequestResponse({
    type: ProblemDto,
    description:
      'validation_failed: the batch itself is malformed (no items, over 100, an item that is not ' +
      'an object, two items with the same idempotencyKey); malformed_payload, payload_too_deep',
  })
  @ApiJsonBodyProblems()
  async create(
    @TenantId() tenantId: string,
    @Body() batch: PaymentBatchDto,
    @Req() request: FastifyRequest,
  ): Promise<{ items: BatchItemAnswer[] }> {
    refuseDuplicateKeys(batch.items);
    const answers = new Map<number, BatchItemAnswer>();
    const valid: PaymentBatchItem[] = [];
    for (const [index, raw] of batch.items.entries()) {
      const { idempotencyKey, ...fields } = raw;
      const key = typeof idempotencyKey === 'string' ? idempotencyKey : null;
      try {
        const input = await checkedItem(idempotencyKey, fields);
        valid.push({ index, idempotencyKey: input.key, input: input.payment });
      } catch (error) {
        answers.set(index, {
          index,
          idempotencyKey: key,
          status: 400,
          body: { ...toProblem(error) },
        });
      }
    }
    const results = await this.commands.execute<RequestPaymentBatch, PaymentBatchResult[]>(
      new RequestPaymentBatch(tenantId, valid, batch.mode ?? 'async', request.id),
    );
    for (const result of results) answers.set(result.index, this.answerOf(result));
    return { items: batch.items.map((_, index) => answers.get(index)!) };
  }

  private answerOf(result: PaymentBatchResult): BatchItemAnswer {
    const { index, idempotencyKey } = result;
    if ('response' in result) {
      return {
        index,
        idempotencyKey,
        status: result.response.statusCode,
        body: result.response.body,
      };
    }
    const problem = toProblem(result.error);
    if (problem.status === 500) {
      this.logger.error({ err: result.error, index }, 'a batch item failed');
    }
    return { index, idempotencyKey, status: problem.status, body: { ...problem } };
  }
}

/** Two items with one key would be one request twice: the batch is refused before any item runs. */
function refuseDuplicateKeys(items: readonly Record<string, unknown>[]): void {
  const firstAt = new Map<string, number>();
  const errors: string[] = [];
  for (const [index, item] of items.entries()) {
    const key = item.idempotencyKey;
    if (typeof key !== 'string') continue;
    const earlier = firstAt.get(key);
    if (earlier === undefined) firstAt.set(key, index);
    else errors.push(`items[${index}].idempotencyKey repeats items[${earlier}]'s`);
  }
  if (errors.length > 0) throw new ValidationFailedError('The batch is not valid', errors);
}

/** An item's key and payment, checked as a single request's header and body are. */
async function checkedItem(
  idempotencyKey: unknown,
  fields: Record<string, unknown>,
): Promise<{ key: string; payment: CreatePaymentInput }> {
  if (idempotencyKey !== undefined && typeof idempotencyKey !== 'string') {
    throw new IdempotencyKeyInvalidError();
  }
  const key = requireIdempotencyKey(idempotencyKey);
  const payment = (await ITEM_PIPE.transform(fields, {
    type: 'body',
    metatype: CreatePaymentDto,
  })) as CreatePaymentDto;
  return { key, payment: { ...payment } };
}
