import type { z } from 'zod';
import { backoffDelay } from '../src/backoff.js';
import { ValidationError } from '../src/errors.js';
import { describe } from '../src/validation.js';
import { type ErrorContext, EventStoreApiError, errorFromAnswer } from './errors.js';
import type { Target } from './paths.js';
import { createSigner, type Sign, type SigningOptions } from './signer.js';

export interface ClientRetryOptions {
  /** Tries per call, the first included. Default 4. */
  maxAttempts?: number;
  /** Backoff base; full jitter, doubling up to maxDelayMs. Default 100 ms. */
  baseDelayMs?: number;
  /** No wait is longer, Retry-After included. Default 2,000 ms. */
  maxDelayMs?: number;
}

export interface TransportOptions {
  url: string;
  fetch?: typeof fetch | undefined;
  signing?: SigningOptions | undefined;
  headers?: Record<string, string> | undefined;
  retry?: ClientRetryOptions | undefined;
}

export interface Call<T> {
  method: 'GET' | 'POST';
  target: Target;
  body?: unknown;
  /** The status of success and the schema its body must match. */
  status: number;
  schema: z.ZodType<T>;
  context?: ErrorContext;
}

/** Answers that say "the same request may succeed later"; every call here may be repeated as it was. */
const TRANSIENT = new Set([429, 502, 503, 504]);

/**
 * Sends one call: builds the URL, signs each attempt afresh, retries network
 * failures and transient answers with the very same request, and turns an
 * error answer into the SDK's error.
 */
export class Transport {
  readonly #base: URL;
  readonly #fetch: typeof fetch;
  readonly #sign: Sign | undefined;
  readonly #headers: Record<string, string>;
  readonly #retry: Required<ClientRetryOptions>;

  constructor(options: TransportOptions) {
    this.#base = baseUrl(options.url);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sign = options.signing && createSigner(options.signing);
    this.#headers = options.headers ?? {};
    this.#retry = {
      maxAttempts: options.retry?.maxAttempts ?? 4,
      baseDelayMs: options.retry?.baseDelayMs ?? 100,
      maxDelayMs: options.retry?.maxDelayMs ?? 2000,
    };
  }

  async send<T>(call: Call<T>): Promise<T> {
    const path = `${this.#base.pathname.replace(/\/$/, '')}${call.target.path}`;
    const search = queryString(call.target.query);
    const url = new URL(`${this.#base.origin}${path}${search && `?${search}`}`);
    const body = call.body === undefined ? undefined : JSON.stringify(call.body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...this.#headers,
    };
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.#retry.maxAttempts;
      let answer: { status: number; headers: Headers; text: string };
      try {
        const sent = this.#sign
          ? await this.#sign({
              method: call.method,
              url,
              path,
              query: call.target.query,
              headers,
              body,
            })
          : headers;
        const response = await this.#fetch(url, {
          method: call.method,
          headers: sent,
          ...(body !== undefined && { body }),
        });
        answer = {
          status: response.status,
          headers: response.headers,
          text: await response.text(),
        };
      } catch (error) {
        // No answer (refused, reset, timed out): the request may or may not have run; repeat it.
        if (last) throw error;
        await this.#wait(attempt, undefined);
        continue;
      }
      if (TRANSIENT.has(answer.status) && !last) {
        await this.#wait(attempt, answer.headers.get('retry-after'));
        continue;
      }
      return read(call, answer);
    }
  }

  async #wait(attempt: number, retryAfter: string | null | undefined): Promise<void> {
    const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
    const ms = Number.isFinite(seconds)
      ? Math.min(this.#retry.maxDelayMs, seconds * 1000)
      : backoffDelay(attempt, this.#retry);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function read<T>(call: Call<T>, answer: { status: number; headers: Headers; text: string }): T {
  const requestId = answer.headers.get('x-request-id') ?? undefined;
  let json: unknown;
  try {
    json = answer.text === '' ? undefined : JSON.parse(answer.text);
  } catch {
    json = answer.text;
  }
  if (answer.status !== call.status) {
    throw errorFromAnswer(answer.status, json, requestId, call.context ?? {});
  }
  const parsed = call.schema.safeParse(json);
  if (!parsed.success) {
    throw new EventStoreApiError(
      answer.status,
      'UnexpectedAnswer',
      `The answer to ${call.method} ${call.target.path} is not what the API promises: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') ?? ''}`,
      requestId,
      json,
    );
  }
  return parsed.data;
}

/** Percent-encoded with encodeURIComponent (a space as %20, as SigV4 canonicalizes it); arrays repeat. */
function queryString(query: Record<string, string | string[]>): string {
  return Object.entries(query)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (one) => `${encodeURIComponent(key)}=${encodeURIComponent(one)}`,
      ),
    )
    .join('&');
}

function baseUrl(url: unknown): URL {
  const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash) {
    throw new ValidationError(
      'url',
      `must be the API's absolute http(s) base URL without query or fragment, like https://abc123.execute-api.eu-west-1.amazonaws.com/ (got ${describe(url)})`,
    );
  }
  return parsed;
}
