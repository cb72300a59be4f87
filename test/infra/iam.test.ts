import { beforeAll, describe, expect, it } from 'vitest';
import { TableActions } from '../../infra/tables.js';
import { Attr, Index, snapshotItemAttributes } from '../../src/table.js';
import {
  actionsByResource,
  actionsOf,
  allStatements,
  logicalId,
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

  beforeAll(() => {
    synth = synthesize();
    eventsArn = `${logicalId(synth.eventStore.eventsTable)}.Arn`;
    indexArn = `${eventsArn}/index/${Index.byPosition}`;
    readModelsArn = `${logicalId(synth.eventStore.readModelTable)}.Arn`;
  });

  it('grants no "*" action and no dynamodb wildcard anywhere', () => {
    const actions = allStatements(synth.template).flatMap(actionsOf);

    expect(actions.length).toBeGreaterThan(0);
    expect(
      actions.filter((a) => a === '*' || (a.startsWith('dynamodb:') && a.includes('*'))),
    ).toEqual([]);
  });

  it('grants no Scan, DeleteItem, BatchWriteItem or PartiQL on any table', () => {
    const forbidden = allStatements(synth.template)
      .flatMap(actionsOf)
      .filter((a) => /^dynamodb:(Scan|DeleteItem|BatchWriteItem|PartiQL)/.test(a));

    expect(forbidden).toEqual([]);
  });

  it('gives the API reads and the append writes on the events table, reads on $all and on read models', () => {
    const byResource = actionsByResource(
      statementsOf(synth.template, synth.eventStore.api.function),
    );

    expect(byResource[eventsArn]).toEqual(
      sorted([...TableActions.read, ...TableActions.append].filter(unique)),
    );
    expect(byResource[indexArn]).toEqual(sorted(TableActions.read));
    expect(byResource[readModelsArn]).toEqual(sorted(TableActions.read));
    expect(Object.keys(byResource).filter((r) => r.includes('/index/') && r !== indexArn)).toEqual(
      [],
    );
  });

  it('lets the projector read the events table and write read models, nothing more', () => {
    const byResource = actionsByResource(
      statementsOf(synth.template, synth.eventStore.projector.function),
    );

    expect(byResource[eventsArn]).toEqual(sorted(TableActions.read));
    expect(byResource[indexArn]).toBeUndefined();
    expect(byResource[readModelsArn]).toEqual(
      sorted([...TableActions.read, ...TableActions.readModelWrite]),
    );
  });

  it('lets the snapshotter write to the events table only PutItems shaped like a snapshot', () => {
    const statements = statementsOf(synth.template, synth.eventStore.snapshotter.function);
    const writes = statements.filter(
      (s) =>
        JSON.stringify(s.Resource).includes(logicalId(synth.eventStore.eventsTable)) &&
        actionsOf(s).some((a) => writeActions.includes(a)),
    );

    expect(writes).toHaveLength(1);
    expect(actionsOf(writes[0]!)).toEqual(['dynamodb:PutItem']);
    expect(writes[0]!.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...snapshotItemAttributes] },
    });
    for (const eventOnly of [
      Attr.type,
      Attr.data,
      Attr.eventId,
      Attr.position,
      Attr.positionPage,
    ]) {
      expect(snapshotItemAttributes).not.toContain(eventOnly);
    }
    expect(actionsByResource(statements)[readModelsArn]).toBeUndefined();
    expect(actionsByResource(statements)[indexArn]).toBeUndefined();
  });

  it.each(['projector', 'snapshotter'] as const)(
    '%s cannot write the events table unconditionally',
    (consumer) => {
      const unconditionalWrites = statementsOf(synth.template, synth.eventStore[consumer].function)
        .filter((s) => JSON.stringify(s.Resource).includes(logicalId(synth.eventStore.eventsTable)))
        .filter((s) => s.Condition === undefined)
        .flatMap(actionsOf)
        .filter((a) => writeActions.includes(a));

      expect(unconditionalWrites).toEqual([]);
    },
  );
});

function unique<T>(value: T, index: number, all: readonly T[]): boolean {
  return all.indexOf(value) === index;
}
