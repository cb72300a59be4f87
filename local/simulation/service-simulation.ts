import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type SimulatedReply,
  throttled,
  transactionCanceled,
  transactionConflict,
} from './error-shapes.js';
import { type FaultOptions, Faults } from './faults.js';
import { Forwarder } from './forwarding.js';
import { ItemKeys, plainWrites } from './item-keys.js';
import { ItemLocks, ItemWriteQueue } from './item-locks.js';

export type { ThrottleError } from './error-shapes.js';
export type { FaultOptions } from './faults.js';

export interface SimulationSettings extends FaultOptions {
  /** Time each call takes on top of DynamoDB Local's own. Default 10 ms. */
  latencyMs?: number;
  /**
   * Share of `latencyMs` waited before the request goes on to DynamoDB Local;
   * the rest is waited after it answered, before the reply is sent. Default 0.5.
   */
  latencyBeforeShare?: number;
  /** Plain writes to one item are served one at a time, each taking the item this long at least. Default 1 ms (~1,000 writes/s per item). */
  perItemWriteMs?: number;
}

export interface ServiceSimulationOptions extends SimulationSettings {
  /** The DynamoDB Local endpoint, e.g. http://127.0.0.1:8000. */
  target: string;
  /** Default 0: a free port. */
  port?: number;
  /** Connections to the target at most. Default 64. */
  maxTargetSockets?: number;
}

export interface SimulationStats {
  /** Requests received, by operation (x-amz-target without its prefix). */
  requests: Record<string, number>;
  /** TransactWriteItems cancelled with TransactionConflict (an item held by another transaction). */
  transactionsCancelledByConflict: number;
  /** TransactGetItems cancelled with TransactionConflict. */
  transactGetsCancelledByConflict: number;
  /** PutItem / UpdateItem / DeleteItem refused with TransactionConflictException. */
  transactionConflictExceptions: number;
  throttles: number;
  lostReplies: number;
  /** Requests received and not yet answered, now. */
  inFlight: number;
  /** Items held by in-flight transactions, now. */
  itemsHeld: number;
  /**
   * Milliseconds spent, summed by operation, waiting for DynamoDB Local's
   * answer (queued writes included): what the simulated latency adds
   * nothing to, and the real service has no equivalent of. Where the time
   * goes when a run is slower than its latency explains.
   */
  backendMs: Record<string, number>;
  /**
   * Milliseconds during which at least one request was in DynamoDB Local.
   * Near the run's wall time, DynamoDB Local (which runs writes about one
   * at a time) is what limits the run, not the store.
   */
  backendBusyMs: number;
}

export interface RunningSimulation {
  /** Point a DynamoDBClient's `endpoint` here. */
  endpoint: string;
  port: number;
  stats(): SimulationStats;
  /** Zeroes the counters (not `inFlight` / `itemsHeld`). */
  reset(): void;
  /** Changes settings from now on (requests in flight keep theirs); fault counts restart from the values given. */
  configure(settings: SimulationSettings): void;
  /** Closes every connection, open requests included. */
  stop(): Promise<void>;
}

/**
 * A proxy in front of DynamoDB Local that behaves like the real service where
 * DynamoDB Local does not: latency per call, transactions that hold their
 * items while they run (conflicts), per-item queuing of plain writes,
 * throttles and lost replies. Every process pointing at it shares its state.
 */
export async function startServiceSimulation(
  options: ServiceSimulationOptions,
): Promise<RunningSimulation> {
  let settings: Required<Omit<SimulationSettings, keyof FaultOptions>> = {
    latencyMs: 10,
    latencyBeforeShare: 0.5,
    perItemWriteMs: 1,
  };
  const configureLatency = (s: SimulationSettings) => {
    settings = {
      latencyMs: s.latencyMs ?? settings.latencyMs,
      latencyBeforeShare: s.latencyBeforeShare ?? settings.latencyBeforeShare,
      perItemWriteMs: s.perItemWriteMs ?? settings.perItemWriteMs,
    };
  };
  configureLatency(options);
  const faults = new Faults(options);
  const forwarder = new Forwarder(options.target, options.maxTargetSockets ?? 64);
  const keys = new ItemKeys(forwarder);
  const locks = new ItemLocks();
  const writeQueue = new ItemWriteQueue();
  let stats = emptyStats();
  let inFlight = 0;
  let inBackend = 0;
  let busySince = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const operation =
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() || 'Unknown';
    stats.requests[operation] = (stats.requests[operation] ?? 0) + 1;
    const { latencyMs, latencyBeforeShare, perItemWriteMs } = settings;
    const before = latencyMs * latencyBeforeShare;
    const after = latencyMs - before;
    const refuse = async (reply: SimulatedReply) => {
      await wait(latencyMs);
      send(res, reply);
    };
    if (faults.throttles(operation)) {
      stats.throttles++;
      return refuse(throttled(faults.throttleError));
    }

    const items = await itemsTouched(keys, operation, body, req);
    const held = locks.heldAmong(items);
    let release = () => {};
    if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
      if (held.size > 0) {
        if (operation === 'TransactWriteItems') stats.transactionsCancelledByConflict++;
        else stats.transactGetsCancelledByConflict++;
        return refuse(transactionCanceled(items.length, held));
      }
      // Held from arrival until the reply is sent, as a running transaction holds its items.
      if (operation === 'TransactWriteItems') release = locks.hold(items);
    } else if (held.size > 0) {
      stats.transactionConflictExceptions++;
      return refuse(transactionConflict());
    }
    try {
      await wait(before);
      const item = plainWrites.has(operation) ? items[0] : undefined;
      const forward = () => forwarder.send(req.headers, body);
      const sent = performance.now();
      if (inBackend++ === 0) busySince = sent;
      let reply: Awaited<ReturnType<typeof forward>>;
      try {
        reply = item ? await writeQueue.run(item, perItemWriteMs, forward) : await forward();
      } finally {
        const now = performance.now();
        if (--inBackend === 0) stats.backendBusyMs += now - busySince;
        stats.backendMs[operation] = (stats.backendMs[operation] ?? 0) + now - sent;
      }
      await wait(after);
      if (faults.losesReply(operation)) {
        stats.lostReplies++;
        req.socket.destroy();
        return;
      }
      res.writeHead(reply.status, replyHeaders(reply.headers, reply.body.length));
      res.end(reply.body);
    } finally {
      release();
    }
  }

  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      send(res, {
        status: 500,
        body: JSON.stringify({
          __type: 'com.amazon.coral.service#InternalFailure',
          message: `Service simulation could not reach ${options.target}: ${String(error)}`,
        }),
      });
    });
  });
  // Longer than the SDK's idle sockets live, so a reused connection is never closed under a request.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({
      ...stats,
      requests: { ...stats.requests },
      backendMs: { ...stats.backendMs },
      inFlight,
      itemsHeld: locks.size,
    }),
    reset: () => {
      stats = emptyStats();
    },
    configure: (s) => {
      configureLatency(s);
      faults.configure(s);
    },
    stop: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      forwarder.close();
    },
  };
}

type Counters = Omit<SimulationStats, 'inFlight' | 'itemsHeld'>;

function emptyStats(): Counters {
  return {
    requests: {},
    backendMs: {},
    backendBusyMs: 0,
    transactionsCancelledByConflict: 0,
    transactGetsCancelledByConflict: 0,
    transactionConflictExceptions: 0,
    throttles: 0,
    lostReplies: 0,
  };
}

const locking = new Set(['TransactWriteItems', 'TransactGetItems', ...plainWrites]);

async function itemsTouched(
  keys: ItemKeys,
  operation: string,
  body: Buffer,
  req: IncomingMessage,
): Promise<(string | undefined)[]> {
  if (!locking.has(operation)) return [];
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return []; // DynamoDB Local will say what is wrong with it
  }
  if (!input || typeof input !== 'object') return [];
  return keys.itemsOf(operation, input as Record<string, unknown>, req.headers);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function wait(ms: number): Promise<void> {
  return ms > 0 ? sleep(ms) : Promise.resolve();
}

function send(res: ServerResponse, reply: SimulatedReply): void {
  const body = Buffer.from(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': body.length,
  });
  res.end(body);
}

const dropped = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function replyHeaders(
  headers: Record<string, string | string[] | undefined>,
  length: number,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = { 'content-length': String(length) };
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !dropped.has(name)) out[name] = value;
  }
  return out;
}
