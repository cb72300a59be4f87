import type { IncomingHttpHeaders } from 'node:http';
import type { Forwarder } from './forwarding.js';

type AttributeMap = Record<string, unknown>;

interface TransactAction {
  Put?: { TableName?: string; Item?: AttributeMap };
  Update?: { TableName?: string; Key?: AttributeMap };
  Delete?: { TableName?: string; Key?: AttributeMap };
  ConditionCheck?: { TableName?: string; Key?: AttributeMap };
  Get?: { TableName?: string; Key?: AttributeMap };
}

/** One item named by a request: where, and either its key or a whole item (Put). */
interface ItemRef {
  table: string;
  key?: AttributeMap;
  item?: AttributeMap;
}

export const plainWrites: ReadonlySet<string> = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

/**
 * Turns the items a request touches into stable strings (database, table,
 * key), one per action, so that two requests naming one item agree. A Put
 * names a whole item: its key attributes come from the table's key schema,
 * read once per table with DescribeTable. `undefined` where the item cannot be
 * named (unknown table, malformed input): DynamoDB Local will refuse those.
 */
export class ItemKeys {
  readonly #keyNames = new Map<string, Promise<string[] | undefined>>();

  constructor(private readonly forwarder: Forwarder) {}

  /** Items of a TransactWriteItems / TransactGetItems (one per action) or a plain write (one). */
  async itemsOf(
    operation: string,
    input: Record<string, unknown>,
    headers: IncomingHttpHeaders,
  ): Promise<(string | undefined)[]> {
    const refs: (ItemRef | undefined)[] = [];
    if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
      const actions = Array.isArray(input.TransactItems) ? input.TransactItems : [];
      for (const action of actions as TransactAction[]) refs.push(refOfAction(action));
    } else if (plainWrites.has(operation)) {
      const table = typeof input.TableName === 'string' ? input.TableName : undefined;
      const item = operation === 'PutItem' ? (input.Item as AttributeMap) : undefined;
      const key = operation === 'PutItem' ? undefined : (input.Key as AttributeMap);
      refs.push(table ? { table, key, item } : undefined);
    }
    const database = databaseOf(headers);
    return Promise.all(refs.map((ref) => (ref ? this.#name(database, ref, headers) : undefined)));
  }

  async #name(
    database: string,
    ref: ItemRef,
    headers: IncomingHttpHeaders,
  ): Promise<string | undefined> {
    let key = ref.key;
    if (!key && ref.item) {
      const names = await this.#keyNamesOf(database, ref.table, headers);
      if (!names) return undefined;
      key = Object.fromEntries(names.map((name) => [name, ref.item?.[name]]));
    }
    if (!key || typeof key !== 'object') return undefined;
    const sorted = Object.keys(key)
      .sort()
      .map((name) => [name, key[name]]);
    return `${database}\u0000${ref.table}\u0000${JSON.stringify(sorted)}`;
  }

  #keyNamesOf(
    database: string,
    table: string,
    headers: IncomingHttpHeaders,
  ): Promise<string[] | undefined> {
    const cacheKey = `${database}\u0000${table}`;
    let names = this.#keyNames.get(cacheKey);
    if (!names) {
      names = this.forwarder.call(headers, 'DescribeTable', { TableName: table }).then(
        ({ status, output }) => {
          const schema = (output as { Table?: { KeySchema?: { AttributeName: string }[] } })?.Table
            ?.KeySchema;
          if (status !== 200 || !schema) {
            this.#keyNames.delete(cacheKey); // not there yet: ask again next time
            return undefined;
          }
          return schema.map((k) => k.AttributeName);
        },
        () => {
          this.#keyNames.delete(cacheKey);
          return undefined;
        },
      );
      this.#keyNames.set(cacheKey, names);
    }
    return names;
  }
}

function refOfAction(action: TransactAction): ItemRef | undefined {
  const put = action.Put;
  if (put?.TableName) return { table: put.TableName, item: put.Item };
  const keyed = action.Update ?? action.Delete ?? action.ConditionCheck ?? action.Get;
  if (keyed?.TableName) return { table: keyed.TableName, key: keyed.Key };
  return undefined;
}

/**
 * DynamoDB Local keeps one database per access key id and region (without
 * -sharedDb): the Authorization header's credential scope says which.
 */
function databaseOf(headers: IncomingHttpHeaders): string {
  const match = /Credential=([^/]*)\/[^/]*\/([^/]*)\//.exec(headers.authorization ?? '');
  return match ? `${match[1]}/${match[2]}` : '';
}
