import { beforeAll, describe, expect, it } from 'vitest';
import { TableActions } from '../../infra/tables.js';
import { Index } from '../../src/table.js';
import {
  actionsByResource,
  actionsOf,
  allStatements,
  logicalId,
  resourceName,
  type Synthesized,
  sorted,
  statementsOf,
  synthesize,
} from './synth.js';

const writeActions = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:PartiQLInsert',
  'dynamodb:PartiQLUpdate',
  'dynamodb:PartiQLDelete',
];

describe('EventStore IAM', () => {
  let synth: Synthesized;
  let eventsArn: string;
  let indexArn: string;
  let readModelsArn: string;
  let snapshotsArn: string;

  beforeAll(() => {
    synth = synthesize();
    eventsArn = `${logicalId(synth.eventStore.eventsTable)}.Arn`;
    indexArn = `${eventsArn}/index/${Index.byPosition}`;
    readModelsArn = `${logicalId(synth.eventStore.readModelTable)}.Arn`;
    snapshotsArn = `${logicalId(synth.eventStore.snapshotTable)}.Arn`;
  });

  it('grants no "*" action and no dynamodb wildcard anywhere', () => {
    const actions = allStatements(synth.template).flatMap(actionsOf);

    expect(actions.length).toBeGreaterThan(0);
    expect(
      actions.filter((a) => a === '*' || (a.startsWith('dynamodb:') && a.includes('*'))),
    ).toEqual([]);
  });

  it("gives each function a role with no managed policy, writing only its own log group's logs", () => {
    const functions = [
      synth.eventStore.api.function,
      synth.projector.function,
      synth.snapshotter.function,
    ];
    for (const fn of functions) {
      if (!fn.role) throw new Error(`${fn.node.path} has no role`);
      const role = synth.template.toJSON().Resources[logicalId(fn.role)];
      const logs = statementsOf(synth.template, fn).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('logs:')),
      );

      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(logs.map((s) => resourceName(s.Resource))).toEqual([`${logicalId(fn.logGroup)}.Arn`]);
    }
  });

  it('grants no Scan, DeleteItem, BatchWriteItem or PartiQL on any table', () => {
    const forbidden = allStatements(synth.template)
      .flatMap(actionsOf)
      .filter((a) => /^dynamodb:(Scan|DeleteItem|BatchWriteItem|PartiQL)/.test(a));

    expect(forbidden).toEqual([]);
  });

  it('gives the API reads and the append writes on the events table, reads on $all, on the category index and on read models', () => {
    const byResource = actionsByResource(
      statementsOf(synth.template, synth.eventStore.api.function),
    );

    expect(byResource[eventsArn]).toEqual(
      sorted([...TableActions.read, ...TableActions.append].filter(unique)),
    );
    const categoryIndexArn = `${eventsArn}/index/${Index.byCategory}`;
    expect(byResource[indexArn]).toEqual(sorted(TableActions.read));
    expect(byResource[categoryIndexArn]).toEqual(sorted(TableActions.read));
    expect(byResource[readModelsArn]).toEqual(sorted(TableActions.read));
    expect(byResource[snapshotsArn]).toEqual(sorted(TableActions.snapshotRead));
    expect(
      Object.keys(byResource).filter(
        (r) => r.includes('/index/') && r !== indexArn && r !== categoryIndexArn,
      ),
    ).toEqual([]);
  });

  it('lets the projector read the events table and write read models, nothing more', () => {
    const byResource = actionsByResource(statementsOf(synth.template, synth.projector.function));

    expect(byResource[eventsArn]).toEqual(sorted(TableActions.read));
    expect(byResource[indexArn]).toBeUndefined();
    expect(byResource[readModelsArn]).toEqual(
      sorted([...TableActions.read, ...TableActions.readModelWrite]),
    );
  });

  it('gives the snapshotter no write action on the events table: it writes the snapshot table only', () => {
    const statements = statementsOf(synth.template, synth.snapshotter.function);
    const eventsTableWrites = statements
      .filter((s) => JSON.stringify(s.Resource).includes(logicalId(synth.eventStore.eventsTable)))
      .flatMap(actionsOf)
      .filter((a) => writeActions.includes(a));
    const byResource = actionsByResource(statements);

    expect(eventsTableWrites).toEqual([]);
    expect(byResource[eventsArn]).toEqual(sorted(TableActions.read));
    expect(byResource[snapshotsArn]).toEqual(
      sorted([...TableActions.snapshotRead, ...TableActions.snapshotWrite].filter(unique)),
    );
    expect(byResource[readModelsArn]).toBeUndefined();
    expect(byResource[indexArn]).toBeUndefined();
  });

  it.each(['projector', 'snapshotter'] as const)(
    '%s cannot write the events table at all',
    (consumer) => {
      const writes = statementsOf(synth.template, synth[consumer].function)
        .filter((s) => JSON.stringify(s.Resource).includes(logicalId(synth.eventStore.eventsTable)))
        .flatMap(actionsOf)
        .filter((a) => writeActions.includes(a));

      expect(writes).toEqual([]);
    },
  );
});

function unique<T>(value: T, index: number, all: readonly T[]): boolean {
  return all.indexOf(value) === index;
}
