import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamoCall } from '../dynamo-call.js';
import { DynamoDBFailureError, ValidationError } from '../errors.js';
import { Attr, ReadModelAttr, ReadModelKeys } from '../table.js';
import {
  buildDocumentPut,
  type DocumentVersion,
  type ProjectionDocument,
  type StoredDocument,
  toProjectionDocument,
  toStoredDocument,
} from './documents.js';

export interface ProjectionStoreOptions {
  /** The read-model table (see `readModelTableSchema`). */
  tableName: string;
  /** Injected client; default `new DynamoDBClient({})`. */
  client?: DynamoDBClient;
}

export interface ListDocumentsOptions {
  /** Default 100, at most 1000. */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

export interface ListDocumentsResult<State> {
  documents: ProjectionDocument<State>[];
  /** Pass it to get the next page; undefined on the last page. */
  cursor: string | undefined;
}

/** How far a projection's rebuild got (see `rebuildProjection`). */
export interface RebuildCheckpoint {
  /** The last `$all` position replayed and applied. */
  position: number;
  /** The clear that starts a rebuild finished. */
  cleared: boolean;
  done: boolean;
}

const MAX_LIST_LIMIT = 1000;
const BATCH_WRITE_MAX = 25;

/** Projection documents and subscription checkpoints in the read-model table. */
export class ProjectionStore {
  readonly tableName: string;
  readonly #doc: DynamoDBDocumentClient;

  constructor(options: ProjectionStoreOptions) {
    this.tableName = options.tableName;
    this.#doc = DynamoDBDocumentClient.from(options.client ?? new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  /** `undefined` when the projection has no document with this key. */
  async get<State = unknown>(
    projection: string,
    key: string,
  ): Promise<ProjectionDocument<State> | undefined> {
    return (await this.getForUpdate<State>(projection, key))?.document;
  }

  /** The document with the version to pass to `putDocument`; `undefined` when absent. */
  async getForUpdate<State = unknown>(
    projection: string,
    key: string,
  ): Promise<StoredDocument<State> | undefined> {
    const { Item } = await dynamoCall(`GetItem of document '${projection}/${key}'`, () =>
      this.#doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [Attr.pk]: ReadModelKeys.projectionPk(projection), [Attr.sk]: key },
          ConsistentRead: true,
        }),
      ),
    );
    return Item ? toStoredDocument<State>(projection, Item) : undefined;
  }

  /** The projection's documents in key order, a page at a time. */
  async list<State = unknown>(
    projection: string,
    options: ListDocumentsOptions = {},
  ): Promise<ListDocumentsResult<State>> {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw new ValidationError('limit', `must be an integer 1..${MAX_LIST_LIMIT} (got ${limit})`);
    }
    const page = await dynamoCall(`Query of projection '${projection}'`, () =>
      this.#doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': Attr.pk },
          ExpressionAttributeValues: { ':pk': ReadModelKeys.projectionPk(projection) },
          // One more than asked tells whether another page exists, so the last page has no cursor.
          Limit: limit + 1,
          ...(options.cursor && {
            ExclusiveStartKey: {
              [Attr.pk]: ReadModelKeys.projectionPk(projection),
              [Attr.sk]: decodeCursor(options.cursor),
            },
          }),
        }),
      ),
    );
    const items = page.Items ?? [];
    const more = items.length > limit || page.LastEvaluatedKey !== undefined;
    const kept = items.slice(0, limit);
    const last = kept.at(-1)?.[Attr.sk];
    return {
      documents: kept.map((item) => toProjectionDocument<State>(projection, item)),
      cursor: more && typeof last === 'string' ? cursorAfter(last) : undefined,
    };
  }

  /**
   * Writes a document if it is still the version `getForUpdate` returned
   * (`undefined`: if it is still absent). Returns false when another writer,
   * or a rebuild's clear, got there first.
   */
  async putDocument(
    document: ProjectionDocument,
    expected: DocumentVersion | undefined,
  ): Promise<boolean> {
    return (await this.writeDocument(document, expected)) !== undefined;
  }

  /** As `putDocument`, returning the version written (to condition the next write on), or undefined. */
  async writeDocument(
    document: ProjectionDocument,
    expected: DocumentVersion | undefined,
  ): Promise<DocumentVersion | undefined> {
    const etag = randomUUID();
    try {
      await this.#doc.send(
        new PutCommand(buildDocumentPut(this.tableName, document, expected, etag)),
      );
      return { etag, revision: document.revision };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw new DynamoDBFailureError(
        `PutItem of document '${document.projection}/${document.key}'`,
        { cause: error },
      );
    }
  }

  /** Deletes every document of the projection; returns how many. */
  async clear(projection: string): Promise<number> {
    let deleted = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoCall(`Query of projection '${projection}'`, () =>
        this.#doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': Attr.pk, '#sk': Attr.sk },
            ExpressionAttributeValues: { ':pk': ReadModelKeys.projectionPk(projection) },
            ProjectionExpression: '#pk, #sk',
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      const keys = page.Items ?? [];
      for (let i = 0; i < keys.length; i += BATCH_WRITE_MAX) {
        await this.#deleteAll(keys.slice(i, i + BATCH_WRITE_MAX));
      }
      deleted += keys.length;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return deleted;
  }

  /** The last `$all` position the named subscription handled; undefined before its first save. */
  async getCheckpoint(name: string): Promise<number | undefined> {
    const { Item } = await dynamoCall(`GetItem of checkpoint '${name}'`, () =>
      this.#doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: checkpointKey(name),
          ConsistentRead: true,
        }),
      ),
    );
    const position = Item?.[ReadModelAttr.position];
    return typeof position === 'number' ? position : undefined;
  }

  /** Moves the checkpoint forward only: a slower twin cannot drag it back. Returns whether it moved. */
  async saveCheckpoint(name: string, position: number): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...checkpointKey(name),
            [ReadModelAttr.position]: position,
            [ReadModelAttr.updatedAt]: new Date().toISOString(),
          },
          ConditionExpression: 'attribute_not_exists(#pk) OR #position < :position',
          ExpressionAttributeNames: { '#pk': Attr.pk, '#position': ReadModelAttr.position },
          ExpressionAttributeValues: { ':position': position },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new DynamoDBFailureError(`PutItem of checkpoint '${name}'`, { cause: error });
    }
  }

  /** Where the projection's last rebuild got to; undefined when it was never rebuilt. */
  async getRebuildCheckpoint(projection: string): Promise<RebuildCheckpoint | undefined> {
    const { Item } = await dynamoCall(`GetItem of the rebuild checkpoint of '${projection}'`, () =>
      this.#doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: rebuildKey(projection),
          ConsistentRead: true,
        }),
      ),
    );
    if (!Item) return undefined;
    return {
      position: Number(Item[ReadModelAttr.position] ?? 0),
      cleared: Item[ReadModelAttr.cleared] === true,
      done: Item[ReadModelAttr.done] === true,
    };
  }

  async saveRebuildCheckpoint(projection: string, checkpoint: RebuildCheckpoint): Promise<void> {
    await dynamoCall(`PutItem of the rebuild checkpoint of '${projection}'`, () =>
      this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...rebuildKey(projection),
            [ReadModelAttr.position]: checkpoint.position,
            [ReadModelAttr.cleared]: checkpoint.cleared,
            [ReadModelAttr.done]: checkpoint.done,
            [ReadModelAttr.updatedAt]: new Date().toISOString(),
          },
        }),
      ),
    );
  }

  /** How many documents the projection holds (reads their keys, a page at a time). */
  async countDocuments(projection: string): Promise<number> {
    let count = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoCall(`Query of projection '${projection}'`, () =>
        this.#doc.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': Attr.pk },
            ExpressionAttributeValues: { ':pk': ReadModelKeys.projectionPk(projection) },
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      count += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }

  /**
   * Every subscription checkpoint, by name. Scans the whole read-model table
   * (checkpoints have a partition each): an operator's tool, not a hot path.
   */
  async listCheckpoints(): Promise<{ name: string; position: number; updatedAt: string }[]> {
    const prefix = ReadModelKeys.checkpointPk('');
    const found: { name: string; position: number; updatedAt: string }[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamoCall('Scan of the read-model table for checkpoints', () =>
        this.#doc.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: 'begins_with(#pk, :prefix) AND #sk = :sk',
            ExpressionAttributeNames: { '#pk': Attr.pk, '#sk': Attr.sk },
            ExpressionAttributeValues: { ':prefix': prefix, ':sk': ReadModelKeys.checkpointSk },
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) {
        found.push({
          name: String(item[Attr.pk]).slice(prefix.length),
          position: Number(item[ReadModelAttr.position] ?? 0),
          updatedAt: String(item[ReadModelAttr.updatedAt] ?? ''),
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Sets the checkpoint to `position`, back or forth (an operator's reset:
   * the subscription handles `position + 1` next). 0 forgets it, so the
   * subscription starts at its `fromPosition`.
   */
  async resetCheckpoint(name: string, position: number): Promise<void> {
    if (position === 0) {
      await dynamoCall(`DeleteItem of checkpoint '${name}'`, () =>
        this.#doc.send(new DeleteCommand({ TableName: this.tableName, Key: checkpointKey(name) })),
      );
      return;
    }
    await dynamoCall(`PutItem of checkpoint '${name}'`, () =>
      this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...checkpointKey(name),
            [ReadModelAttr.position]: position,
            [ReadModelAttr.updatedAt]: new Date().toISOString(),
          },
        }),
      ),
    );
  }

  /** Forgets the projection's rebuild, so the next one clears and starts from position 1. */
  async deleteRebuildCheckpoint(projection: string): Promise<void> {
    await dynamoCall(`DeleteItem of the rebuild checkpoint of '${projection}'`, () =>
      this.#doc.send(new DeleteCommand({ TableName: this.tableName, Key: rebuildKey(projection) })),
    );
  }

  async #deleteAll(keys: Record<string, unknown>[]): Promise<void> {
    let pending = keys.map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const result = await dynamoCall('BatchWriteItem of projection documents', () =>
        this.#doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } })),
      );
      pending = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
    }
  }
}

function rebuildKey(projection: string): Record<string, string> {
  return { [Attr.pk]: ReadModelKeys.rebuildPk(projection), [Attr.sk]: ReadModelKeys.rebuildSk };
}

function checkpointKey(name: string): Record<string, string> {
  return { [Attr.pk]: ReadModelKeys.checkpointPk(name), [Attr.sk]: ReadModelKeys.checkpointSk };
}

/** The `list` cursor that continues after the document with this key. */
export function cursorAfter(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key.length === 0) throw new ValidationError('cursor', 'must be a cursor returned by list()');
  return key;
}
