/** Lambda's limit on a synchronous invocation's request and response payloads (the event and the result, as JSON). */
export const LambdaPayload = { maxBytes: 6 * 1024 * 1024 } as const;

/**
 * Lambda refuses a response over 6 MB, measured on the whole result, where
 * the body is a JSON string escaped once more (every `"` and `\` doubled).
 * A page stops before its items would pass this budget; the rest is
 * headroom for the envelope and headers.
 */
export const PageBudget = { bytes: 5 * 1024 * 1024 } as const;

/** The bytes an item adds to the Lambda response: its JSON, escaped again inside the body, plus a comma. */
export function payloadBytes(item: unknown): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(item)), 'utf8') - 1;
}

/**
 * Reads up to `limit` items and no more than `budget` bytes of them (a first
 * item larger than the budget is still returned alone), plus one more: the
 * item the next page starts at, or undefined when there was none.
 */
export async function takeWithinBudget<T>(
  items: AsyncIterable<T>,
  limit: number,
  budget: number = PageBudget.bytes,
): Promise<{ page: T[]; next: T | undefined }> {
  const page: T[] = [];
  let used = 0;
  for await (const item of items) {
    if (page.length === limit) return { page, next: item };
    const size = payloadBytes(item);
    if (page.length > 0 && used + size > budget) return { page, next: item };
    page.push(item);
    used += size;
  }
  return { page, next: undefined };
}
