import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { LocalSetupError, localClient, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { createTables } from '../../src/create-tables.js';
import { Index } from '../../src/table.js';

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('bundled DynamoDB Local jar (the path npm start and Docker-less machines take)', () => {
  it('starts the jar on a free port, answers, creates the tables, and stops by pid', async () => {
    // Prepare
    const local = await startDynamoDbLocal();
    const client = localClient(local.endpoint);
    try {
      // Act
      await createTables(client, { eventsTable: 'events', readModelTable: 'read-models' });
      const tables = await client.send(new ListTablesCommand({}));
      const events = await client.send(new DescribeTableCommand({ TableName: 'events' }));

      // Assess
      expect(tables.TableNames).toEqual(['events', 'events-snapshots', 'read-models']);
      expect(events.Table?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: 'NEW_IMAGE',
      });
      expect(events.Table?.GlobalSecondaryIndexes?.map((gsi) => gsi.IndexName)).toEqual([
        Index.byPosition,
        Index.byCategory,
      ]);
    } finally {
      client.destroy();
      await local.stop();
    }
    expect(processAlive(local.pid)).toBe(false);
  });

  it('reports an unexpected exit, and only that: a stop() is not one', async () => {
    // Prepare
    const killed = await startDynamoDbLocal();
    const stopped = await startDynamoDbLocal();
    const notYet = (promise: Promise<string>) =>
      Promise.race([
        promise,
        new Promise((resolve) => setTimeout(() => resolve('still running'), 500)),
      ]);

    // Act
    process.kill(killed.pid, 'SIGKILL');
    await stopped.stop();

    // Assess
    expect(await killed.unexpectedExit).toBe(
      `DynamoDB Local (pid ${killed.pid}) stopped unexpectedly (SIGKILL)`,
    );
    expect(await notYet(stopped.unexpectedExit)).toBe('still running');
  });

  it('refuses with a LocalSetupError that says how to install Java when java is missing', async () => {
    // Prepare
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      // Act
      const starting = startDynamoDbLocal();

      // Assess
      await expect(starting).rejects.toThrow(LocalSetupError);
      await expect(starting).rejects.toThrow(/sudo apt-get install -y openjdk-17-jre-headless/);
    } finally {
      process.env.PATH = path;
    }
  });

  it('the run itself reached DynamoDB Local through the path the environment allows', () => {
    expect(inject('dynamodbEndpoint')).toMatch(/^http:\/\//);
    expect(['env', 'testcontainers', 'jar']).toContain(inject('dynamodbSource'));
  });
});
