import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { Attr, ReadModelAttr, ReadModelKeys } from '../table.js';

/** One read-model document as the projection store hands it out. */
export interface ProjectionDocument<State = unknown> {
  projection: string;
  key: string;
  state: State;
  /**
   * Per source stream, the last version applied: the projector's idempotency
   * record. An object without a prototype (see `streamVersions`), so a stream
   * named `__proto__` or `constructor` is an entry like any other.
   */
  streams: Record<string, number>;
  /**
   * How many times the document was written since it was last created; 0 for
   * one not stored yet. Informative only: it restarts when a rebuild clears the
   * projection, so writes are conditioned on `DocumentVersion.etag` instead.
   */
  revision: number;
  /** ISO-8601 time of the last write. */
  updatedAt: string;
}

/**
 * The write a document was read at, which the next conditional write expects
 * to still find. `etag` is unique per write, so unlike `revision` it cannot
 * come back after the document is deleted and rebuilt.
 */
export interface DocumentVersion {
  /** Undefined for an item written before etags existed; `revision` then stands in. */
  etag: string | undefined;
  revision: number;
}

/** A stored document with the version a writer must condition its next write on. */
export interface StoredDocument<State = unknown> {
  document: ProjectionDocument<State>;
  version: DocumentVersion;
}

/**
 * A version map without a prototype: `map['__proto__'] = v` on a plain object
 * is a no-op and `map.constructor` is a function, so events of streams with
 * those names were applied again. Copies the entries of `from` (an object).
 */
export function streamVersions(from?: unknown): Record<string, number> {
  const map = Object.create(null) as Record<string, number>;
  if (typeof from === 'object' && from !== null) {
    for (const [streamId, version] of Object.entries(from)) map[streamId] = Number(version);
  }
  return map;
}

/** Pure: a stored item -> document and version. */
export function toStoredDocument<State>(
  projection: string,
  item: Record<string, unknown>,
): StoredDocument<State> {
  const etag = item[ReadModelAttr.etag];
  const document = toProjectionDocument<State>(projection, item);
  return {
    document,
    version: { etag: typeof etag === 'string' ? etag : undefined, revision: document.revision },
  };
}

/** Pure: a stored item -> document. */
export function toProjectionDocument<State>(
  projection: string,
  item: Record<string, unknown>,
): ProjectionDocument<State> {
  const streams = item[ReadModelAttr.streams];
  return {
    projection,
    key: String(item[Attr.sk]),
    state: JSON.parse(String(item[ReadModelAttr.state])) as State,
    // JSON.parse keeps a `__proto__` key as an own property; a map from an older item cannot have one.
    streams: streamVersions(typeof streams === 'string' ? JSON.parse(streams) : streams),
    revision: Number(item[ReadModelAttr.revision] ?? 0),
    updatedAt: String(item[ReadModelAttr.updatedAt]),
  };
}

/**
 * Pure: the conditional Put that stores `document` under the new `etag` only
 * if the item is still the write that was read (`expected`; undefined = absent).
 * One item, one condition: two projector batches racing on a document cannot
 * both apply an event, and a writer that read before a rebuild cleared the
 * document cannot overwrite the rebuilt one (its etag is gone for good).
 */
export function buildDocumentPut(
  tableName: string,
  document: ProjectionDocument,
  expected: DocumentVersion | undefined,
  etag: string,
): PutCommandInput {
  return {
    TableName: tableName,
    Item: {
      [Attr.pk]: ReadModelKeys.projectionPk(document.projection),
      [Attr.sk]: document.key,
      // JSON text round-trips any JSON state exactly (empty strings, deep nesting, big maps).
      [ReadModelAttr.state]: JSON.stringify(document.state),
      [ReadModelAttr.streams]: JSON.stringify(document.streams),
      [ReadModelAttr.revision]: document.revision,
      [ReadModelAttr.etag]: etag,
      [ReadModelAttr.updatedAt]: document.updatedAt,
    },
    ...documentCondition(expected),
  };
}

function documentCondition(
  expected: DocumentVersion | undefined,
): Pick<
  PutCommandInput,
  'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  if (expected === undefined) {
    return {
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': Attr.pk },
    };
  }
  if (expected.etag !== undefined) {
    return {
      ConditionExpression: '#etag = :etag',
      ExpressionAttributeNames: { '#etag': ReadModelAttr.etag },
      ExpressionAttributeValues: { ':etag': expected.etag },
    };
  }
  // An item from before etags: its first write adds one. Any item written since has an etag,
  // so this cannot match a rebuilt document.
  return {
    ConditionExpression: 'attribute_not_exists(#etag) AND #revision = :revision',
    ExpressionAttributeNames: { '#etag': ReadModelAttr.etag, '#revision': ReadModelAttr.revision },
    ExpressionAttributeValues: { ':revision': expected.revision },
  };
}
