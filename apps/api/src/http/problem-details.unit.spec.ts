import { BadRequestException, NotFoundException } from '@nestjs/common';
import { StoreUnavailableError, ValidationFailedError } from '@ledger/errors';
import { ConcurrencyConflictError } from '@ledger/event-store';
import { toProblem } from './problem-details';

describe('toProblem', () => {
  describe('when a ledger error is thrown', () => {
    it('keeps its status, stable code and details', () => {
      const problem = toProblem(new ConcurrencyConflictError('acme#payment#1', 2, 3));

      expect(problem).toMatchObject({
        status: 409,
        code: 'concurrency_conflict',
        title: 'Conflict',
        expectedVersion: 2,
        actualVersion: 3,
      });
      expect(problem.type).toContain('concurrency_conflict');
    });

    it('maps an unreachable store to 503 store_unavailable', () => {
      expect(toProblem(new StoreUnavailableError())).toMatchObject({
        status: 503,
        code: 'store_unavailable',
      });
    });

    it('lists validation errors', () => {
      expect(
        toProblem(new ValidationFailedError('bad', ['amount must be positive'])),
      ).toMatchObject({
        status: 400,
        code: 'validation_failed',
        errors: ['amount must be positive'],
      });
    });
  });

  describe('when Nest or Fastify raise their own errors', () => {
    it('turns class-validator messages into validation_failed', () => {
      const problem = toProblem(
        new BadRequestException({ message: ['currency must be ISO 4217'] }),
      );

      expect(problem).toMatchObject({
        status: 400,
        code: 'validation_failed',
        errors: ['currency must be ISO 4217'],
      });
    });

    it('names a missing route not_found', () => {
      expect(toProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({
        status: 404,
        code: 'not_found',
      });
    });

    it('names an oversized body payload_too_large', () => {
      const fastifyError = Object.assign(new Error('Request body is too large'), {
        code: 'FST_ERR_CTP_BODY_TOO_LARGE',
        statusCode: 413,
      });

      expect(toProblem(fastifyError)).toMatchObject({ status: 413, code: 'payload_too_large' });
    });
  });

  describe('when something unexpected is thrown', () => {
    it('answers a bare 500 without leaking the message', () => {
      const problem = toProblem(new Error('connection string postgres://user:hunter2@db'));

      expect(problem).toMatchObject({ status: 500, code: 'internal_error' });
      expect(JSON.stringify(problem)).not.toContain('hunter2');
    });
  });
});
