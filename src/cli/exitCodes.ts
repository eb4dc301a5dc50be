/** Documented in the README; CI scripts depend on them. */
export const ExitCode = {
  Ok: 0,
  BelowThreshold: 1,
  Usage: 2,
  RunFailed: 3,
  Cancelled: 130,
} as const;

/** The command line or its inputs are wrong: the message says what to change. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
