// Which PostgreSQL client errors mean "the database is unreachable or refusing work right
// now" (answer 503, retry later) rather than a bug or bad input.

/** SQLSTATE classes/codes: 08 connection exception, 53 insufficient resources, 57P0x shutdown/cannot connect, 57014 statement timeout. */
const unavailableStates = /^(08...|53...|57P0[1-4]|57014)$/;
const unavailableErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** node-postgres reports these as plain Errors without a code. */
const unavailableMessages = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Query read timeout',
  'Cannot use a pool after calling end',
];

export function isPgUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (unavailableStates.test(code) || unavailableErrnos.has(code))) return true;
  if (err instanceof AggregateError) return err.errors.some(isPgUnavailable);
  return unavailableMessages.some((m) => err.message.includes(m));
}
