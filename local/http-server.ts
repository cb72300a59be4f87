import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { LambdaPayload } from '../lambdas/api/page-budget.js';
import { crossSiteRefused, toErrorReply } from '../lambdas/http-errors.js';
import {
  fromApiGatewayResult,
  type OutgoingResponse,
  toApiGatewayEvent,
} from './api-gateway-event.js';
import { crossSiteWrite, originsOf } from './cross-site.js';
import { LocalSetupError } from './dynamodb-local.js';

export type LambdaHttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface HttpServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1: the local API writes events, so it is not offered to the network unless asked. */
  host?: string;
  handler: LambdaHttpHandler;
  /** API Gateway HTTP APIs refuse larger requests themselves. Default 10 MB. */
  maxPayloadBytes?: number;
  /** Lambda's payload limit, on the event and on the result. Default 6 MB. */
  maxLambdaPayloadBytes?: number;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const API_GATEWAY_MAX_PAYLOAD = 10 * 1024 * 1024;

/**
 * Serves a Lambda handler the way API Gateway would: each request becomes a
 * payload 2.0 event, each result becomes the response.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const limits = {
    request: options.maxPayloadBytes ?? API_GATEWAY_MAX_PAYLOAD,
    lambda: options.maxLambdaPayloadBytes ?? LambdaPayload.maxBytes,
  };
  const host = options.host ?? '127.0.0.1';
  let ownOrigins: ReadonlySet<string> = new Set();
  const server = createServer((req, res) => {
    void serve(req, res, options.handler, limits, ownOrigins);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(toSetupError(error, options.port)),
    );
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  ownOrigins = originsOf(host, port);
  return {
    url: `http://${host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    port,
    stop: () => closeServer(server),
  };
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  handler: LambdaHttpHandler,
  limits: { request: number; lambda: number },
  ownOrigins: ReadonlySet<string>,
): Promise<void> {
  const requestId = randomUUID();
  let response: OutgoingResponse;
  try {
    const body = await readBody(req, limits.request);
    const crossSite = crossSiteWrite(req.method ?? 'GET', req.headers, ownOrigins);
    if (body === undefined) {
      response = gatewayMessage(413, 'Request Entity Too Large');
    } else if (crossSite) {
      const reply = toErrorReply(crossSiteRefused(crossSite), requestId);
      response = {
        statusCode: reply.status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: Buffer.from(JSON.stringify(reply.body)),
      };
    } else {
      const event = toApiGatewayEvent({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        requestId,
        timeEpoch: Date.now(),
      });
      response = await invoke(handler, event, requestId, limits.lambda);
    }
  } catch (error) {
    // What API Gateway answers when the function itself fails.
    console.error(`local API: the handler failed for ${req.method} ${req.url}: ${String(error)}`);
    response = gatewayMessage(500, 'Internal Server Error');
  }
  if (res.destroyed) return;
  res.writeHead(response.statusCode, {
    ...response.headers,
    'apigw-requestid': requestId,
    'content-length': String(response.body.length),
  });
  res.end(response.body);
}

/**
 * Lambda's 6 MB applies to the event (where the body is escaped as a JSON
 * string, or base64-encoded: a 4 MB body can pass it) and to the result;
 * HTTP API answers what it answers for each.
 */
async function invoke(
  handler: LambdaHttpHandler,
  event: APIGatewayProxyEventV2,
  requestId: string,
  maxBytes: number,
): Promise<OutgoingResponse> {
  if (Buffer.byteLength(JSON.stringify(event), 'utf8') > maxBytes) {
    return gatewayMessage(413, 'Request Entity Too Large');
  }
  const result = await handler(event, lambdaContext(requestId));
  if (Buffer.byteLength(JSON.stringify(result) ?? '', 'utf8') > maxBytes) {
    console.error(`local API: the response to ${event.rawPath} is over Lambda's ${maxBytes} bytes`);
    return gatewayMessage(500, 'Internal Server Error');
  }
  return fromApiGatewayResult(result);
}

/** `undefined` when over the limit; the rest is still read, so the client gets to see the 413. */
async function readBody(req: IncomingMessage, maxPayload: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= maxPayload) chunks.push(chunk as Buffer);
  }
  return size > maxPayload ? undefined : Buffer.concat(chunks);
}

function gatewayMessage(statusCode: number, message: string): OutgoingResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ message })),
  };
}

function lambdaContext(awsRequestId: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'event-store-api-local',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:event-store-api-local',
    memoryLimitInMB: '1024',
    awsRequestId,
    logGroupName: '/aws/lambda/event-store-api-local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/** Binds and releases the port: lets a caller fail fast before starting slower parts. */
export async function assertPortFree(port: number, host: string): Promise<void> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(toSetupError(error, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function toSetupError(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new LocalSetupError(
      `Port ${port} is already in use: stop what is listening there, or choose another port (PORT=${port + 1} npm start)`,
    );
  }
  if (error.code === 'EACCES') {
    return new LocalSetupError(
      `Port ${port} needs privileges this user lacks: choose a port above 1023 (PORT=3000 npm start)`,
    );
  }
  return error;
}

/** Stops accepting, lets requests in flight finish briefly, then cuts what is left. */
async function closeServer(server: ReturnType<typeof createServer>): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), 2000);
  await closed;
  clearTimeout(timer);
}
