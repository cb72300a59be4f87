import {
  type ProjectionListResponse,
  projectionDocumentSchema,
  projectionListSchema,
} from '../src/api-contract/responses.js';
import { ErrorCode } from '../src/errors.js';
import type { ProjectionDocument } from '../src/projections/documents.js';
import { absentAsUndefined } from './errors.js';
import { documentTarget } from './paths.js';
import type { Transport } from './transport.js';

export interface ClientListDocumentsOptions {
  /** 1..1000; default 100. */
  limit?: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
}

export interface ClientListDocumentsResult<State = unknown> {
  documents: ProjectionDocument<State>[];
  /** Pass it to get the next page; undefined on the last page. */
  cursor: string | undefined;
}

/** The read models over HTTP, as `ProjectionStore.get` and `list` read them in the SDK. */
export class ProjectionsClient {
  readonly #http: Transport;

  constructor(http: Transport) {
    this.#http = http;
  }

  /** `undefined` when the projection has no document with this key; ProjectionNotFoundError for an unknown projection. */
  async get<State = unknown>(
    projection: string,
    key: string,
  ): Promise<ProjectionDocument<State> | undefined> {
    const document = await absentAsUndefined(
      this.#http.send({
        method: 'GET',
        target: documentTarget(projection, key),
        status: 200,
        schema: projectionDocumentSchema,
        context: { projection, key },
      }),
      [ErrorCode.DocumentNotFound],
    );
    return document as ProjectionDocument<State> | undefined;
  }

  /** A page of the projection's documents in key order. */
  async list<State = unknown>(
    projection: string,
    options: ClientListDocumentsOptions = {},
  ): Promise<ClientListDocumentsResult<State>> {
    const query: Record<string, string> = {};
    if (options.limit !== undefined) query.limit = String(options.limit);
    if (options.cursor !== undefined) query.cursor = options.cursor;
    const page: ProjectionListResponse = await this.#http.send({
      method: 'GET',
      target: { path: `/projections/${encodeURIComponent(projection)}`, query },
      status: 200,
      schema: projectionListSchema,
      context: { projection },
    });
    return {
      documents: page.documents as ProjectionDocument<State>[],
      cursor: page.nextCursor ?? undefined,
    };
  }
}
