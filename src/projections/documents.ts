import type { PutCommandInput } from '@aws-sdk/lib-dynamodb';
import { Attr, ReadModelAttr, ReadModelKeys } from '../table.js';

/** One read-model document as the projection store hands it out. */
export interface ProjectionDocument<State = unknown> {
  projection: string;
  key: string;
  state: State;
  /** Per source stream, the last version applied: the projector's idempotency record. */
  streams: Record<string, number>;
  /** How many times the document was written; 0 for one not stored yet. */
  revision: number;
  /** ISO-8601 time of the last write. */
  updatedAt: string;
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
    streams:
      typeof streams === 'object' && streams !== null
        ? { ...(streams as Record<string, number>) }
        : {},
    revision: Number(item[ReadModelAttr.revision] ?? 0),
    updatedAt: String(item[ReadModelAttr.updatedAt]),
  };
}

/**
 * Pure: the conditional Put that stores `document` only if nobody wrote it
 * since it was read at `expectedRevision`. One item, one condition: two
 * projector batches racing on a document cannot both apply an event.
 */
export function buildDocumentPut(
  tableName: string,
  document: ProjectionDocument,
  expectedRevision: number,
): PutCommandInput {
  return {
    TableName: tableName,
    Item: {
      [Attr.pk]: ReadModelKeys.projectionPk(document.projection),
      [Attr.sk]: document.key,
      // JSON text round-trips any JSON state exactly (empty strings, deep nesting, big maps).
      [ReadModelAttr.state]: JSON.stringify(document.state),
      [ReadModelAttr.streams]: document.streams,
      [ReadModelAttr.revision]: document.revision,
      [ReadModelAttr.updatedAt]: document.updatedAt,
    },
    ...(expectedRevision === 0
      ? {
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': Attr.pk },
        }
      : {
          ConditionExpression: '#revision = :revision',
          ExpressionAttributeNames: { '#revision': ReadModelAttr.revision },
          ExpressionAttributeValues: { ':revision': expectedRevision },
        }),
  };
}
