import type { EventStoreApi } from '../../src/event-store-api.js';
import { Sequencer } from '../../src/position/sequencer.js';
import { InMemoryEventStore } from '../../src/testing/index.js';
import type { PositionMode, RecordedEvent } from '../../src/types.js';
import { useTestStore } from '../support/dynamodb.js';

/** One store the contract runs on, set up for a describe block. */
export interface ContractStore {
  readonly store: EventStoreApi;
  /** Places every appended event in `$all` (sequenced mode's sequencer); nothing to do elsewhere. */
  placeAll(): Promise<void>;
  /** `$all` follows commit order across streams; sequenced mode's is sequencing order (per stream only). */
  readonly commitOrder: boolean;
}

export interface ContractTarget {
  readonly name: string;
  /** Call at the top of a describe block: it registers the block's hooks. */
  use(): ContractStore;
}

function dynamoDbLocal(mode: PositionMode): ContractTarget {
  return {
    name: `DynamoDB Local, ${mode} mode`,
    use() {
      const db = useTestStore(`contract-${mode}`, { positionMode: mode });
      return {
        get store() {
          return db.store;
        },
        placeAll: async () => {
          if (mode !== 'sequenced') return;
          await Sequencer.for({ tableName: db.tables.eventsTable, client: db.client }).sweep();
        },
        commitOrder: mode !== 'sequenced',
      };
    },
  };
}

const inMemory: ContractTarget = {
  name: 'InMemoryEventStore',
  use() {
    const store = new InMemoryEventStore();
    return { store, placeAll: async () => {}, commitOrder: true };
  },
};

/** Every store that must keep the contract: the DynamoDB store in each position mode, and the in-memory one. */
export const contractTargets: readonly ContractTarget[] = [
  dynamoDbLocal('reserved'),
  dynamoDbLocal('strict'),
  dynamoDbLocal('sequenced'),
  inMemory,
];

export const collect = async <T>(events: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const event of events) out.push(event);
  return out;
};

/** Positions and commit times are each store's own; everything else must match exactly. */
export const comparable = ({ position: _p, createdAt: _c, ...event }: RecordedEvent) => event;

/** What a call ended with, error or not, as a plain value to compare whole. */
export async function outcomeOf<T>(call: () => Promise<T>): Promise<T | { error: unknown }> {
  try {
    return await call();
  } catch (error) {
    return { error: describeError(error) };
  }
}

/** An error's class, code, message and the fields it carries for a caller. */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: error };
  const { stack: _s, cause: _c, message, ...fields } = error as Error & Record<string, unknown>;
  return { class: error.constructor.name, message, ...fields };
}
