import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PositionCounterMissingError } from '../errors.js';
import {
  indexHasItems,
  layoutOf,
  loadLayout,
  type PositionMode,
  readCounterItem,
  type StoreLayout,
} from './counter.js';
import { ReservedPositions } from './reserved-positions.js';
import { SequencedPositions } from './sequenced-positions.js';
import type { PositionStrategy } from './strategy.js';
import { StrictPositions } from './strict-positions.js';

/**
 * One store's position strategy, built from its counter item on first use
 * and kept: the mode and page layout of a store never change under a client.
 * A failed load is forgotten, so the next call tries again.
 */
export class StorePositions {
  #strategy: Promise<PositionStrategy> | undefined;
  #layout: StoreLayout | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly requested: PositionMode | undefined,
  ) {}

  strategy(): Promise<PositionStrategy> {
    this.#strategy ??= this.#load().catch((error: unknown) => {
      this.#strategy = undefined;
      throw error;
    });
    return this.#strategy;
  }

  /**
   * The layout for a reader, which must not create anything: `undefined` when
   * the store has no counter yet (and so no events).
   */
  async readLayout(): Promise<StoreLayout | undefined> {
    if (this.#strategy) return (await this.#strategy).layout;
    if (this.#layout) return this.#layout;
    const item = await readCounterItem(this.doc, this.tableName);
    if (!item) {
      if (await indexHasItems(this.doc, this.tableName)) {
        throw new PositionCounterMissingError(this.tableName);
      }
      return undefined;
    }
    this.#layout = layoutOf(item);
    return this.#layout;
  }

  async #load(): Promise<PositionStrategy> {
    const layout = await loadLayout(this.doc, this.tableName, this.requested);
    if (layout.mode === 'reserved') return new ReservedPositions(this.doc, this.tableName, layout);
    if (layout.mode === 'sequenced') return new SequencedPositions(layout);
    return new StrictPositions(this.doc, this.tableName, layout);
  }
}
