import { spawnSync } from 'node:child_process';
import { GenericContainer, Wait } from 'testcontainers';

export const DYNAMODB_LOCAL_IMAGE =
  process.env.DYNAMODB_LOCAL_IMAGE ?? 'amazon/dynamodb-local:latest';

/** True when a Docker engine answers and has (or can pull) the DynamoDB Local image. */
export async function dockerAnswers(): Promise<boolean> {
  const info = spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 });
  return !info.error && info.status === 0;
}

export async function startDynamoDbLocalContainer(): Promise<{
  endpoint: string;
  stop(): Promise<void>;
}> {
  // Ryuk's image cannot be pulled on machines without a registry; we stop the container ourselves.
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  // Inside a container (/.dockerenv) testcontainers would otherwise dial the bridge gateway.
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
  const container = await new GenericContainer(DYNAMODB_LOCAL_IMAGE)
    .withExposedPorts(8000)
    .withCommand(['-jar', 'DynamoDBLocal.jar', '-inMemory', '-disableTelemetry'])
    // DynamoDB Local logs its banner before it accepts connections: wait for the port.
    .withWaitStrategy(Wait.forListeningPorts())
    .start();
  const endpoint = `http://${container.getHost()}:${container.getMappedPort(8000)}`;
  return { endpoint, stop: async () => void (await container.stop()) };
}
