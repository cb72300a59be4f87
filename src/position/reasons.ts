import type { CancellationReason } from '@aws-sdk/client-dynamodb';

/** Cancellation items arrive as raw attribute values (`{ N: '7' }`), even through the document client. */
export function numberAttribute(
  item: CancellationReason['Item'],
  name: string,
): number | undefined {
  const value: unknown = item?.[name];
  if (typeof value === 'number') return value;
  const n = (value as { N?: unknown } | undefined)?.N;
  return typeof n === 'string' ? Number(n) : undefined;
}
