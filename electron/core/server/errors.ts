import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ApiErrorBody } from '../../shared/schemas/common.js';

/** An error that maps to one OpenAI-style error response. Throw it from any handler. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: string = defaultType(status),
  ) {
    super(message);
  }
  body(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'invalid_request_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new ApiError(400, message, param, code);
export const notFound = (what: string, id: string, param: string | null = null) =>
  new ApiError(404, `No such ${what} object: ${id}`, param, 'not_found');

/** Fastify's own error codes that mean "the client sent something wrong". */
const CLIENT_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'body_too_large'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [400, 'invalid_multipart'],
  FST_PARTS_LIMIT: [400, 'too_many_parts'],
  FST_FILES_LIMIT: [400, 'too_many_files'],
  FST_FIELDS_LIMIT: [400, 'too_many_fields'],
  FST_REQ_FILE_TOO_LARGE: [413, 'file_too_large'],
  FST_PROTO_VIOLATION: [400, 'invalid_multipart'],
  FST_ERR_VALIDATION: [400, 'invalid_request'],
};

/** Turns any thrown error into the OpenAI envelope; only genuine bugs become 500. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  let apiErr: ApiError;
  if (err instanceof ApiError) {
    apiErr = err;
  } else if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    const path = first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || null;
    const where = err.validationContext === 'querystring' ? 'query' : err.validationContext;
    const param = path ?? (where === 'body' ? null : where ?? null);
    apiErr = new ApiError(
      400,
      `Invalid ${where ?? 'request'}${path ? ` parameter '${path}'` : ''}: ${first?.message ?? 'invalid value'}`,
      param,
      'invalid_request',
    );
  } else if (err.code && CLIENT_CODES[err.code]) {
    const [status, code] = CLIENT_CODES[err.code]!;
    apiErr = new ApiError(status, err.message, null, code);
  } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    apiErr = new ApiError(err.statusCode, err.message, null, err.code ?? null);
  } else if (isMalformedMultipart(err)) {
    apiErr = new ApiError(400, `Malformed multipart body: ${err.message}`, null, 'invalid_multipart');
  } else {
    req.log.error({ err }, 'unhandled error');
    apiErr = new ApiError(500, 'The server had an error while processing your request.', null, 'server_error');
  }
  if (apiErr.status >= 500) reply.header('x-should-retry', 'false');
  reply.code(apiErr.status).type('application/json').send(apiErr.body());
}

/** busboy reports broken multipart framing with plain Errors. */
function isMalformedMultipart(err: Error): boolean {
  return /Unexpected end of form|Malformed part header|Multipart: Boundary not found|Unexpected end of multipart data/i.test(
    err.message,
  );
}
