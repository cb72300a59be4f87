import { describe, expect, it } from 'vitest';
import {
  buildDocumentPut,
  type DocumentVersion,
  type ProjectionDocument,
  toStoredDocument,
} from '../../src/projections/documents.js';

const document: ProjectionDocument = {
  projection: 'totals',
  key: 'k',
  state: { sum: 3 },
  streams: { 'x-1': 2 },
  revision: 2,
  updatedAt: '2024-01-01T00:00:00.000Z',
};

describe('buildDocumentPut', () => {
  it('stores the document under the new etag', () => {
    expect(buildDocumentPut('rm', document, undefined, 'new-etag').Item).toEqual({
      PK: 'PROJECTION#totals',
      SK: 'k',
      state: '{"sum":3}',
      streams: '{"x-1":2}',
      revision: 2,
      etag: 'new-etag',
      updatedAt: '2024-01-01T00:00:00.000Z',
    });
  });

  it.each<[string, DocumentVersion | undefined, object]>([
    [
      'an absent document stays absent',
      undefined,
      {
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'PK' },
      },
    ],
    [
      'a stored document still holds the etag read, whatever its revision',
      { etag: 'read-etag', revision: 1 },
      {
        ConditionExpression: '#etag = :etag',
        ExpressionAttributeNames: { '#etag': 'etag' },
        ExpressionAttributeValues: { ':etag': 'read-etag' },
      },
    ],
    [
      'a document stored before etags still has none, at the revision read',
      { etag: undefined, revision: 4 },
      {
        ConditionExpression: 'attribute_not_exists(#etag) AND #revision = :revision',
        ExpressionAttributeNames: { '#etag': 'etag', '#revision': 'revision' },
        ExpressionAttributeValues: { ':revision': 4 },
      },
    ],
  ])('conditions the write on: %s', (_, expected, condition) => {
    const { TableName, Item, ...rest } = buildDocumentPut('rm', document, expected, 'new-etag');

    expect(rest).toEqual(condition);
  });
});

describe('toStoredDocument', () => {
  it('returns the document without its etag, and the version to write against', () => {
    const item = {
      PK: 'PROJECTION#totals',
      SK: 'k',
      state: '{"sum":3}',
      streams: { 'x-1': 2 },
      revision: 2,
      etag: 'e1',
      updatedAt: '2024-01-01T00:00:00.000Z',
    };

    expect(toStoredDocument('totals', item)).toEqual({
      document,
      version: { etag: 'e1', revision: 2 },
    });
  });
});
