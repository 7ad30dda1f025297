/**
 * The error a job throws when what it was asked cannot work as asked (no
 * such series, a missing key, a file that needs an option): the caller's
 * mistake, not a failure. The CLI prints it without a stack and exits 2.
 *
 * @module
 */

/**
 * Thrown for bad usage: printed without a stack, exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError("keys create needs --name NAME");
 * ```
 */
export class UsageError extends Error {}
