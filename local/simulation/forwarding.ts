import { Agent, type IncomingHttpHeaders, request } from 'node:http';

/** A reply of DynamoDB Local, read whole (DynamoDB replies are at most a few MB). */
export interface TargetReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Hop-by-hop headers belong to each connection, not to the request.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
  'host',
  'content-length',
]);

/**
 * Sends requests on to the target (DynamoDB Local) over a pool of keep-alive
 * connections. DynamoDB Local does not check signatures, so the original
 * headers (Authorization included: its access key and region pick the
 * database) go along unchanged, and a request of our own may reuse them.
 */
export class Forwarder {
  readonly #target: URL;
  readonly #agent: Agent;

  constructor(target: string, maxSockets: number) {
    this.#target = new URL(target);
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  send(headers: IncomingHttpHeaders, body: Buffer): Promise<TargetReply> {
    const outgoing: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined && !hopByHop.has(name)) outgoing[name] = value;
    }
    outgoing['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: 'POST',
          path: '/',
          headers: outgoing,
          agent: this.#agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 500,
              headers: res.headers,
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** One DynamoDB operation of our own, with the caller's credentials (so, its database). */
  async call(
    headers: IncomingHttpHeaders,
    operation: string,
    input: unknown,
  ): Promise<{ status: number; output: unknown }> {
    const reply = await this.send(
      { ...headers, 'x-amz-target': `DynamoDB_20120810.${operation}` },
      Buffer.from(JSON.stringify(input)),
    );
    return { status: reply.status, output: JSON.parse(reply.body.toString('utf8') || 'null') };
  }

  close(): void {
    this.#agent.destroy();
  }
}
