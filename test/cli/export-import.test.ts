import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStore } from '../../src/event-store.js';
import { readLastPosition } from '../../src/position/last-position.js';
import { writeAbortMarker } from '../../src/position/slots.js';
import type { PositionedEvent } from '../../src/types.js';
import { createTestTables, type TestTables, testClient } from '../support/dynamodb.js';
import { jsonLines, runCli, startCli, storeFlags } from './run-cli.js';

let source: TestTables;
let sourceStore: EventStore;
let exported: string;
const targets: TestTables[] = [];

async function target(): Promise<{ tables: TestTables; store: EventStore }> {
  const tables = await createTestTables('cli-import', testClient());
  targets.push(tables);
  return {
    tables,
    store: new EventStore({ tableName: tables.eventsTable, client: tables.client }),
  };
}

async function all(store: EventStore): Promise<PositionedEvent[]> {
  const events: PositionedEvent[] = [];
  for await (const event of store.readAll()) events.push(event);
  return events;
}

beforeAll(async () => {
  source = await createTestTables('cli-export', testClient());
  sourceStore = new EventStore({ tableName: source.eventsTable, client: source.client });
  // Several streams, multi-event appends, and an aborted range in the middle: a gap in positions.
  for (let i = 0; i < 30; i++) {
    await sourceStore.appendToStream(`account-${i % 4}`, [
      { type: 'Deposited', data: { amount: i }, metadata: { by: 'test' } },
      ...(i % 3 === 0 ? [{ type: 'Noted', data: { i } }] : []),
    ]);
    if (i === 10) {
      const { position } = (await all(sourceStore)).at(-1) as PositionedEvent;
      // Reserve and abort two positions the way a dead appender's range ends up.
      const doc = DynamoDBDocumentClient.from(source.client);
      const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
      await doc.send(
        new UpdateCommand({
          TableName: source.eventsTable,
          Key: { PK: '$GLOBAL', SK: 'POSITION' },
          UpdateExpression: 'ADD #p :k',
          ExpressionAttributeNames: { '#p': 'position' },
          ExpressionAttributeValues: { ':k': 2 },
        }),
      );
      await writeAbortMarker(doc, source.eventsTable, position + 1, 2, 8);
    }
  }
  const result = await runCli([...storeFlags(source), 'export']);
  expect(result.status).toBe(0);
  exported = result.stdout;
});

afterAll(async () => {
  for (const tables of [source, ...targets]) {
    await tables?.drop();
  }
  source?.client.destroy();
});

describe('dynamo-event-store export | import', () => {
  it('exports a header, every event in position order and an end line', async () => {
    const lines = jsonLines(exported) as Record<string, unknown>[];
    const events = await all(sourceStore);

    expect(lines[0]).toMatchObject({
      format: 'dynamo-event-store/export',
      version: 1,
      fromPosition: 1,
      lastPosition: (events.at(-1) as PositionedEvent).position,
      positionMode: 'reserved',
    });
    expect(lines.slice(1, -1)).toEqual(events);
    expect(lines.at(-1)).toEqual({
      end: true,
      events: events.length,
      lastPosition: events.at(-1)?.position,
    });
    // The aborted range is a gap in the export's positions.
    const positions = events.map((e) => e.position);
    expect(positions.at(-1)).toBe(events.length + 2);
  });

  it('imports into an empty store every stream, version, event id and position; refuses it then, unless --force, which checks and skips what it holds', async () => {
    const { tables, store } = await target();

    const result = await runCli([...storeFlags(tables), 'import'], { input: exported });
    const refused = await runCli([...storeFlags(tables), 'import'], { input: exported });
    const forced = await runCli([...storeFlags(tables), '--json', 'import', '--force'], {
      input: exported,
    });

    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toMatch(/^imported 40 event\(s\) up to position 42 in /);
    expect(await all(store)).toEqual(await all(sourceStore));
    for (let i = 0; i < 4; i++) {
      expect(await store.getStreamVersion(`account-${i}`)).toBe(
        await sourceStore.getStreamVersion(`account-${i}`),
      );
    }
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      `error ValidationError: table '${tables.eventsTable}' already holds events (up to position 42): import into an empty store, or pass --force to check and skip the events it already holds and add those above position 42 (resumes an interrupted import)\n`,
    );
    expect(jsonLines(forced.stdout)).toEqual([
      expect.objectContaining({ imported: 0, alreadyThere: 40, position: 42 }),
    ]);
    expect(await all(store)).toEqual(await all(sourceStore));
    // The store appends after the imported positions.
    const next = await store.appendToStream('account-0', [{ type: 'Deposited', data: {} }], {
      expectedVersion: await sourceStore.getStreamVersion('account-0'),
    });
    expect(next.firstPosition).toBe(43);
  });

  it('stops at a broken line in the middle with what it imported so far, and resumes with --force', async () => {
    const { tables, store } = await target();
    const lines = exported.trimEnd().split('\n');
    const broken = [
      ...lines.slice(0, 20),
      '{"streamId": "account-1", "version": "two"}',
      ...lines.slice(20),
    ].join('\n');

    const failed = await runCli([...storeFlags(tables), 'import', '--chunk-size', '5'], {
      input: `${broken}\n`,
    });

    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(
      /^error ValidationError: line 21\.version is not an event of a dynamo-event-store\/export v1 file: must be an integer/,
    );
    const partial = await all(store);
    expect(partial.length).toBeGreaterThanOrEqual(10);
    expect(partial.length).toBeLessThan(20);
    expect(partial).toEqual((await all(sourceStore)).slice(0, partial.length));

    const resumed = await runCli([...storeFlags(tables), '--json', 'import', '--force'], {
      input: exported,
    });

    expect(resumed.status).toBe(0);
    expect(jsonLines(resumed.stdout)).toEqual([
      expect.objectContaining({ imported: 40 - partial.length, alreadyThere: partial.length }),
    ]);
    expect(await all(store)).toEqual(await all(sourceStore));
  });

  it('resumes with --force after the import process was killed mid-way', async () => {
    const { tables, store } = await target();
    const lines = exported.trimEnd().split('\n');
    const run = await startCli([...storeFlags(tables), 'import', '--chunk-size', '5'], {
      input: `${lines.slice(0, 30).join('\n')}\n`,
      keepStdinOpen: true,
    });
    // Killed while it waits for the rest of its input, chunks already written.
    await expect
      .poll(async () => readLastPosition(tables.client, tables.eventsTable), { timeout: 20_000 })
      .toBeGreaterThan(10);
    run.child.kill('SIGKILL');
    expect((await run.result).status).toBe(null);
    // The counter is the import's checkpoint; a chunk killed half-written lies above it.
    const checkpoint = await readLastPosition(tables.client, tables.eventsTable);
    const partial = (await all(sourceStore)).filter((e) => e.position <= checkpoint).length;

    const resumed = await runCli([...storeFlags(tables), '--json', 'import', '--force'], {
      input: exported,
    });

    expect(jsonLines(resumed.stdout)).toEqual([
      expect.objectContaining({ imported: 40 - partial, alreadyThere: partial }),
    ]);
    expect(await all(store)).toEqual(await all(sourceStore));
  });

  it('imports a cut-short export up to where it ends, says so, and takes the rest from an export --from-position', async () => {
    const { tables, store } = await target();
    const lines = exported.trimEnd().split('\n');
    // A killed export: the header and 25 events, no end line.
    const cut = `${lines.slice(0, 26).join('\n')}\n`;

    const first = await runCli([...storeFlags(tables), 'import', '--chunk-size', '5'], {
      input: cut,
    });

    expect(first.status).toBe(1);
    const lastCut = (JSON.parse(lines[25] as string) as PositionedEvent).position;
    expect(first.stderr).toBe(
      `error ValidationError: the export has no end line: it was cut short; the events it holds are imported (up to position ${lastCut}): export again with --from-position ${lastCut + 1} and import that with --force\n`,
    );
    const rest = await runCli([
      ...storeFlags(source),
      'export',
      '--from-position',
      String(lastCut + 1),
    ]);
    const second = await runCli([...storeFlags(tables), 'import', '--force'], {
      input: rest.stdout,
    });

    expect(second.status).toBe(0);
    expect(await all(store)).toEqual(await all(sourceStore));
  });

  it('refuses an export whose streams do not continue what the store holds', async () => {
    const { tables } = await target();
    const rest = await runCli([...storeFlags(source), 'export', '--from-position', '20']);

    const result = await runCli([...storeFlags(tables), 'import'], { input: rest.stdout });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /does not continue the stream: the store does not hold its version \d+; import the export that holds the stream's earlier events first\n$/,
    );
  });
});
