// One JSON error shape for every service, and the mapping from whatever was thrown to it:
// validation errors name the field, dependency outages are 503, bugs are a bare 500.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import Type, { type Static } from 'typebox';
import { isPgUnavailable } from './pg-errors.ts';

/** The body of every error response, as a JSON Schema for route `response` schemas. */
export const errorSchema = Type.Object({
  statusCode: Type.Integer(),
  /** machine-readable, e.g. VALIDATION, NOT_FOUND, DEPENDENCY_UNAVAILABLE */
  code: Type.String(),
  message: Type.String(),
  /** the offending input, e.g. `body.title` or `querystring.limit` */
  field: Type.Optional(Type.String()),
  requestId: Type.String(),
});

export type ErrorBody = Static<typeof errorSchema>;

/** Throw from a handler to answer with this status and code (never logged as an error). */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly field: string | undefined;
  /** extra response headers, e.g. Retry-After */
  readonly headers: Record<string, string>;
  constructor(statusCode: number, code: string, message: string, o: { field?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.field = o.field;
    this.headers = o.headers ?? {};
  }
}

export const notFound = (what: string) => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const badRequest = (field: string, message: string) => new HttpError(400, 'VALIDATION', `${field} ${message}`, { field });
export const unavailable = (dependency: string) =>
  new HttpError(503, 'DEPENDENCY_UNAVAILABLE', `${dependency} is unavailable, retry later`, { headers: { 'retry-after': '1' } });

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `body/title` + missingProperty → `body.title`; `querystring/limit` → `querystring.limit`. */
function fieldOf(context: string | undefined, issue: AjvIssue): string {
  const parts = [context ?? 'request', ...issue.instancePath.split('/').filter(Boolean)];
  const extra = issue.params.missingProperty ?? issue.params.additionalProperty ?? issue.params.propertyName;
  if (typeof extra === 'string') parts.push(extra);
  return parts.join('.');
}

function messageOf(field: string, issue: AjvIssue): string {
  switch (issue.keyword) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `${field} is not allowed`;
    default:
      return `${field} ${issue.message ?? 'is invalid'}`;
  }
}

/** Fastify's own client errors (FST_ERR_*) that carry a 4xx status, with a friendlier code. */
const clientCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_BAD_URL: 'BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URL_TOO_LONG',
};
const fieldOfCode: Record<string, string> = {
  BODY_TOO_LARGE: 'body',
  INVALID_JSON: 'body',
  UNSUPPORTED_MEDIA_TYPE: 'body',
  BAD_URL: 'url',
  URL_TOO_LONG: 'url',
};

export function errorBody(err: FastifyError | Error, request: FastifyRequest): ErrorBody {
  const requestId = String(request.id);
  if (err instanceof HttpError) {
    return { statusCode: err.statusCode, code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), requestId };
  }
  const fe = err as FastifyError & { validation?: AjvIssue[]; validationContext?: string; type?: string };
  if (fe.validation?.length) {
    const issue = fe.validation[0]!;
    const field = fieldOf(fe.validationContext, issue);
    return { statusCode: 400, code: 'VALIDATION', message: messageOf(field, issue), field, requestId };
  }
  // JSON.parse errors from the body parser arrive as SyntaxError with statusCode 400.
  if (err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return { statusCode: 400, code: 'INVALID_JSON', message: `body is not valid JSON: ${err.message}`, field: 'body', requestId };
  }
  // Input the schemas let through but PostgreSQL refused (SQLSTATE 22 data exception, 23 constraint).
  const sqlstate = (err as { code?: unknown; severity?: unknown }).severity ? String(fe.code ?? '') : '';
  if (sqlstate.startsWith('23505')) {
    return { statusCode: 409, code: 'CONFLICT', message: 'conflicts with an existing record', requestId };
  }
  if (sqlstate.startsWith('22') || sqlstate.startsWith('23')) {
    return { statusCode: 400, code: 'INVALID_VALUE', message: `a value was rejected by the database (SQLSTATE ${sqlstate})`, requestId };
  }
  if (isPgUnavailable(err)) {
    return { statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', message: 'postgres is unavailable, retry later', requestId };
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = (fe.code && clientCodes[fe.code]) ?? (status === 404 ? 'NOT_FOUND' : status === 413 ? 'BODY_TOO_LARGE' : 'BAD_REQUEST');
    const field = fieldOfCode[code];
    const message = (field ? `${field}: ${err.message}` : err.message).slice(0, 300);
    return { statusCode: status, code, message, ...(field ? { field } : {}), requestId };
  }
  return { statusCode: 500, code: 'INTERNAL', message: 'internal error', requestId };
}

/** Fastify error handler: logs server faults with the request id, answers with ErrorBody. */
export function handleError(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const body = errorBody(err, request);
  // HttpErrors are deliberate answers; only unexpected faults are logged here (5xx lines
  // are also written once per request by the onResponse hook).
  if (body.statusCode >= 500 && !(err instanceof HttpError)) {
    request.log[body.statusCode === 503 ? 'warn' : 'error']({ err }, body.message);
  }
  if (err instanceof HttpError) reply.headers(err.headers);
  if (body.code === 'DEPENDENCY_UNAVAILABLE') reply.header('retry-after', '1');
  reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  reply.code(404).send({
    statusCode: 404,
    code: 'NOT_FOUND',
    message: `no route for ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`,
    requestId: String(request.id),
  } satisfies ErrorBody);
}
