import { HttpException } from '@nestjs/common';
import { LedgerError } from '@ledger/errors';

/** RFC 9457 problem details, with the ledger's stable `code`. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Codes for errors raised by Fastify itself (body parsing), before any Nest handler runs. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_payload',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_payload',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_payload',
  FST_ERR_BAD_URL: 'invalid_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};

/**
 * What a few framework refusals say, where the framework's own message names nothing the caller
 * can act on (its 415 says only "Unsupported Media Type").
 */
const DETAILS_BY_CODE: Record<string, string> = {
  unsupported_media_type:
    'This endpoint takes a JSON body: send it with Content-Type: application/json',
};

const CODES_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  431: 'headers_too_large',
};

/** An HTTP error of another status than those above (none is known to reach the API). */
const OTHER_HTTP_ERROR = 'http_error';

/**
 * Every code this mapping itself can give an answer, besides the LedgerErrors' own: the
 * framework's refusals and the fallbacks (docs/api.md lists them all; a unit spec checks).
 */
export const FRAMEWORK_PROBLEM_CODES: readonly string[] = [
  ...new Set([
    ...Object.values(FASTIFY_CODES),
    ...Object.values(CODES_BY_STATUS),
    'validation_failed',
    OTHER_HTTP_ERROR,
    'internal_error',
  ]),
];

/** A problem document for a status and code (for answers written outside the filter). */
export function problem(
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): ProblemDetails {
  return {
    type: `urn:problem-type:integration-ledger:${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  };
}

/**
 * The one mapping from anything thrown to a problem document. Unknown errors become a bare 500:
 * their message may hold internals, so it is logged, never sent.
 */
export function toProblem(error: unknown): ProblemDetails {
  if (error instanceof LedgerError) {
    return problem(error.status, error.code, error.message, error.details());
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const body =
      typeof response === 'object' && response !== null
        ? (response as Record<string, unknown>)
        : {};
    if (status === 400 && Array.isArray(body.message)) {
      return problem(400, 'validation_failed', 'The request is not valid', {
        errors: body.message,
      });
    }
    const code = CODES_BY_STATUS[status] ?? OTHER_HTTP_ERROR;
    const detail = typeof body.message === 'string' ? body.message : error.message;
    return problem(status, code, DETAILS_BY_CODE[code] ?? detail);
  }
  const fastifyError = error as { code?: string; statusCode?: number; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
    const status = fastifyError.statusCode;
    const code = FASTIFY_CODES[fastifyError.code ?? ''] ?? CODES_BY_STATUS[status] ?? 'bad_request';
    const detail = DETAILS_BY_CODE[code] ?? fastifyError.message ?? 'The request was rejected';
    return problem(status, code, detail);
  }
  return problem(500, 'internal_error', 'An unexpected error occurred; it has been logged');
}
