import type { OpenAPIObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, problem } from '../http/problem-details';

type Responses = Record<string, ResponseObject>;

interface ResponseObject {
  description?: string;
  content?: Record<string, { schema?: unknown; examples?: Record<string, unknown> }>;
  headers?: Record<string, unknown>;
}

/** A code in a response's description: snake_case, or one of the two one-word codes. */
const CODE = /\b(?:[a-z]+(?:_[a-z]+)+|unauthorized|forbidden)\b/g;

const CORRELATION_ID_EXAMPLE = '01JQ7Z3K4M5N6P7Q8R9S0T1V2W';

/**
 * Makes every error response of the generated document say what the API really answers: the
 * media type `application/problem+json` (the generator writes `application/json`), one example
 * per code its description names (instead of one example shared by all), `Retry-After` on 503
 * and `Allow` on 405. The codes come from the descriptions the controllers declare, so one place
 * names them.
 */
export function exactProblemResponses(document: OpenAPIObject): OpenAPIObject {
  for (const path of Object.values(document.paths)) {
    for (const operation of Object.values(path) as Array<{ responses?: Responses }>) {
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        if (Number(status) >= 400) makeProblemResponse(Number(status), response);
      }
    }
  }
  return document;
}

function makeProblemResponse(status: number, response: ResponseObject): void {
  const schema = response.content?.['application/json']?.schema ??
    response.content?.[PROBLEM_CONTENT_TYPE]?.schema ?? {
      $ref: '#/components/schemas/ProblemDto',
    };
  const codes = [...new Set(response.description?.match(CODE) ?? [])];
  response.content = {
    [PROBLEM_CONTENT_TYPE]: {
      schema,
      ...(codes.length > 0 && {
        examples: Object.fromEntries(
          codes.map((code) => [
            code,
            {
              summary: code,
              value: {
                ...problem(status, code, `An explanation of this ${code} for a person`),
                correlationId: CORRELATION_ID_EXAMPLE,
              },
            },
          ]),
        ),
      }),
    },
  };
  if (status === 503) {
    response.headers = {
      ...response.headers,
      'Retry-After': {
        description: 'Seconds to wait before trying again',
        schema: { type: 'integer', minimum: 1 },
      },
    };
  }
  if (status === 405) {
    response.headers = {
      ...response.headers,
      Allow: { description: 'The methods the path has', schema: { type: 'string' } },
    };
  }
}
