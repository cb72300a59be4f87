/** AWS errors that say "not now": the same request may succeed a moment later. */
const RETRYABLE_ERRORS: ReadonlySet<string> = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'TransactionConflictException',
]);

export function isRetryableAwsError(error: unknown): boolean {
  return RETRYABLE_ERRORS.has((error as { name?: unknown } | null)?.name as string);
}
