import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export function json(
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Reads one item past `limit`: it says whether another page exists and where
 * it starts, without a second round trip that might come back empty.
 */
export async function takePage<T>(
  items: AsyncIterable<T>,
  limit: number,
): Promise<{ page: T[]; next: T | undefined }> {
  const page: T[] = [];
  for await (const item of items) {
    if (page.length === limit) return { page, next: item };
    page.push(item);
  }
  return { page, next: undefined };
}
