import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { Sequencer } from '../../src/position/sequencer.js';
import type { PositionMode } from '../../src/types.js';
import type { TestStore } from '../support/dynamodb.js';
import {
  allStreamViolations,
  positionCoverageViolations,
  readAllEvents,
} from '../support/store-audit.js';
import { tableProbe } from './helpers.js';

/** In sequenced mode, places every append so far (as the sequencer Lambda would). */
export async function placeAll(db: TestStore, mode: PositionMode): Promise<void> {
  if (mode !== 'sequenced') return;
  await new Sequencer(DynamoDBDocumentClient.from(db.client), db.tables.eventsTable).sweep();
}

/** `$all` as a whole keeps the mode's promises: nothing skipped, nothing twice, streams in order. */
export async function expectAllIntact(db: TestStore, mode: PositionMode): Promise<void> {
  await placeAll(db, mode);
  const all = await readAllEvents(db.store);
  expect(allStreamViolations(all, mode)).toEqual([]);
  if (mode === 'sequenced') {
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
    return;
  }
  const last = await tableProbe(db.client, db.tables.eventsTable).counter();
  expect(await positionCoverageViolations(db.client, db.tables.eventsTable, 1, last)).toEqual([]);
}
