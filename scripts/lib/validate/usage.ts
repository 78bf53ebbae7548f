/** Bad invocation or environment: exit code 2. */
export class UsageError extends Error {}
