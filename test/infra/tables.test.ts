import { beforeAll, describe, expect, it } from 'vitest';
import { toCreateTableInput } from '../../src/create-tables.js';
import { eventsTableSchema, readModelTableSchema, snapshotTableSchema } from '../../src/table.js';
import { logicalId, type Synthesized, synthesize } from './synth.js';

type Resource = { Properties: Record<string, unknown>; [key: string]: unknown };

describe('EventStore tables', () => {
  let synth: Synthesized;
  let events: Resource;
  let readModels: Resource;
  let snapshots: Resource;

  beforeAll(() => {
    synth = synthesize();
    const resources = synth.template.toJSON().Resources as Record<string, Resource>;
    events = resources[logicalId(synth.eventStore.eventsTable)]!;
    readModels = resources[logicalId(synth.eventStore.readModelTable)]!;
    snapshots = resources[logicalId(synth.eventStore.snapshotTable)]!;
  });

  const byName = (a: { AttributeName: string }, b: { AttributeName: string }) =>
    a.AttributeName.localeCompare(b.AttributeName);

  it('keys the events table exactly as the SDK creates it (src/table.ts)', () => {
    const sdk = toCreateTableInput(eventsTableSchema, 'unused');

    expect(events.Properties.KeySchema).toEqual(sdk.KeySchema);
    expect(
      [...(events.Properties.AttributeDefinitions as { AttributeName: string }[])].sort(byName),
    ).toEqual([...(sdk.AttributeDefinitions ?? [])].sort(byName as never));
  });

  it('indexes $all by position page and position, projecting every attribute', () => {
    const sdk = toCreateTableInput(eventsTableSchema, 'unused');

    expect(events.Properties.GlobalSecondaryIndexes).toEqual(sdk.GlobalSecondaryIndexes);
  });

  it('streams the events table with NEW_IMAGE', () => {
    expect(events.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });

  it('keys the read-model table as the SDK does, without a stream', () => {
    const sdk = toCreateTableInput(readModelTableSchema, 'unused');

    expect(readModels.Properties.KeySchema).toEqual(sdk.KeySchema);
    expect(readModels.Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(readModels.Properties.StreamSpecification).toBeUndefined();
  });

  it('keys the snapshot table as the SDK does, without a stream, named as the SDK defaults it', () => {
    const sdk = toCreateTableInput(snapshotTableSchema, 'unused');

    expect(snapshots.Properties.KeySchema).toEqual(sdk.KeySchema);
    expect(snapshots.Properties.GlobalSecondaryIndexes).toBeUndefined();
    expect(snapshots.Properties.StreamSpecification).toBeUndefined();
    // An EventStore given only the events table's name (the API Lambda) finds it there.
    expect(snapshots.Properties.TableName).toEqual({
      'Fn::Join': ['', [{ Ref: logicalId(synth.eventStore.eventsTable) }, '-snapshots']],
    });
  });

  it('bills every table on demand', () => {
    for (const table of [events, snapshots, readModels]) {
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    }
  });

  it('turns on point-in-time recovery for every table', () => {
    const pitr = { PointInTimeRecoveryEnabled: true };

    for (const table of [events, snapshots, readModels]) {
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual(pitr);
    }
  });

  it('protects every table from deletion and retains them when the stack or resource goes', () => {
    for (const table of [events, snapshots, readModels]) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    }
  });

  // DynamoDB always encrypts at rest; SSEEnabled false selects the AWS owned key (no KMS charges).
  it('encrypts at rest with the AWS owned key by default', () => {
    for (const table of [events, snapshots, readModels]) {
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: false });
    }
    synth.template.resourceCountIs('AWS::KMS::Key', 0);
  });
});
