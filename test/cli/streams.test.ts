import { describe, expect, it } from 'vitest';
import { streamId, useTestStore } from '../support/dynamodb.js';
import { jsonLines, runCli, storeFlags } from './run-cli.js';

const fixture = useTestStore('cli-streams');

describe('dynamo-event-store append, read, head', () => {
  it('appends from --data and from stdin, then reads the stream back in both directions', async () => {
    const stream = streamId('order');
    const flags = storeFlags(fixture.tables);

    const first = await runCli([
      ...flags,
      '--json',
      'append',
      stream,
      '--type',
      'OrderPlaced',
      '--data',
      '{"total":42}',
      '--expected-version',
      'no_stream',
    ]);
    const second = await runCli([...flags, 'append', stream, '--type', 'OrderPaid'], {
      input: '{"amount":42}\n',
    });

    expect(first).toMatchObject({ status: 0, stderr: '' });
    expect(jsonLines(first.stdout)).toEqual([
      expect.objectContaining({ streamId: stream, nextExpectedVersion: 1 }),
    ]);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(
      new RegExp(`^appended OrderPaid to ${stream}: version 2, position \\d+`),
    );

    const forwards = await runCli([...flags, '--json', 'read', stream]);
    expect(jsonLines(forwards.stdout)).toEqual([
      expect.objectContaining({ version: 1, type: 'OrderPlaced', data: { total: 42 } }),
      expect.objectContaining({ version: 2, type: 'OrderPaid', data: { amount: 42 } }),
    ]);
    const backwards = await runCli([
      ...flags,
      '--json',
      'read',
      stream,
      '--backwards',
      '--limit',
      '1',
    ]);
    expect(jsonLines(backwards.stdout)).toEqual([expect.objectContaining({ version: 2 })]);
    const from = await runCli([...flags, '--json', 'read', stream, '--from', '2']);
    expect(jsonLines(from.stdout)).toEqual([expect.objectContaining({ version: 2 })]);

    const human = await runCli([...flags, 'read', stream]);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^POSITION\s+STREAM\s+VERSION\s+TYPE\s+CREATED\s+DATA$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(1, 4))).toEqual([
      [stream, '1', 'OrderPlaced'],
      [stream, '2', 'OrderPaid'],
    ]);
    // The columns line up: each starts where its header does.
    expect(lines[1]?.indexOf(stream)).toBe(lines[0]?.indexOf('STREAM'));
  });

  it("shows a stream's head, and fails with StreamNotFound (exit 1) for an absent one", async () => {
    const stream = streamId('order');
    await fixture.store.appendToStream(stream, [
      { type: 'A', data: {} },
      { type: 'B', data: {} },
    ]);

    const head = await runCli([...storeFlags(fixture.tables), '--json', 'head', stream]);
    const absent = await runCli([...storeFlags(fixture.tables), 'head', `${stream}-absent`]);

    expect(jsonLines(head.stdout)).toEqual([
      {
        streamId: stream,
        version: 2,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    ]);
    expect(absent).toEqual({
      status: 1,
      stdout: '',
      stderr: `error StreamNotFound: Stream '${stream}-absent' does not exist\n`,
    });
  });

  it('reports a concurrency conflict as one line with its stable code and exit status 1', async () => {
    const stream = streamId('order');
    await fixture.store.appendToStream(stream, [{ type: 'A', data: {} }]);

    const result = await runCli([
      ...storeFlags(fixture.tables),
      'append',
      stream,
      '--type',
      'B',
      '--data',
      '{}',
      '--expected-version',
      '0',
    ]);

    expect(result).toEqual({
      status: 1,
      stdout: '',
      stderr: `error WrongExpectedVersion: Stream '${stream}' is at version 1, but the append expected version 0\n`,
    });
  });

  it.each([
    [
      ['read', 's', '--limit', 'ten'],
      "error ValidationError: --limit must be a whole number 1..9007199254740991 (got 'ten')",
    ],
    [
      ['append', 's', '--type', 'T', '--data', '{}', '--expected-version', 'soon'],
      "error ValidationError: --expected-version must be a version number, 'no_stream', 'stream_exists' or 'any' (got 'soon')",
    ],
    [['frobnicate'], "error ValidationError: unknown command 'frobnicate'"],
  ])('refuses bad usage %j with exit status 2 and one line', async (args, message) => {
    const result = await runCli([...storeFlags(fixture.tables), ...args]);

    expect(result.status).toBe(2);
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr.startsWith(message)).toBe(true);
  });

  it('says how to reach a store when no local runtime runs and no endpoint is given', async () => {
    const result = await runCli(['--data-dir', '/nonexistent/dir', 'stats']);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'error ValidationError: the store is not reachable: no local runtime runs on /nonexistent/dir (start it with npm start), and neither --endpoint URL nor --region/--profile/--stack for AWS was given\n',
    );
  });
});
