import { RemovalPolicy } from 'aws-cdk-lib';
import {
  type Attribute,
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
  type TableProps,
} from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  defaultSnapshotTableName,
  eventsTableSchema,
  type KeySchema,
  type KeyType,
  readModelTableSchema,
  snapshotTableSchema,
  type TableSchema,
} from '../src/table.js';

/** What a caller may override; the keys and the stream come from `src/table.ts` only. */
export type TableOverrides = Partial<Omit<TableProps, 'partitionKey' | 'sortKey' | 'stream'>>;

export interface EventStoreTablesProps {
  /** A customer managed key for both tables. Default: the AWS owned key (no KMS charges). */
  readonly encryptionKey?: IKey;
  readonly eventsTable?: TableOverrides;
  /** Default name: the events table's + `-snapshots`, the SDK's default, so a store given the events table alone finds it. */
  readonly snapshotTable?: TableOverrides;
  readonly readModelTable?: TableOverrides;
}

/**
 * The DynamoDB actions each role needs, from the calls `src/` makes, named once
 * so the grants and the tests agree. TransactWriteItems is authorized per item
 * (here UpdateItem for the counter and head, PutItem per event), which is why
 * no "transact" action appears. No Scan, no DeleteItem, no BatchWriteItem.
 */
export const TableActions = {
  /** GetItem: heads, `$all` hole checks; Query: streams and the byPosition index; BatchGetItem: a reserved range's events by key. */
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  /** getSnapshot: one GetItem. */
  snapshotRead: ['dynamodb:GetItem'],
  /** The transaction, the counter and head pre-reads (BatchGetItem: many `any` appends' heads at once) and the idempotent-retry Query. */
  append: [
    'dynamodb:UpdateItem',
    'dynamodb:PutItem',
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
  ],
  /** One conditional PutItem per snapshot, in the snapshot table. */
  snapshotWrite: ['dynamodb:PutItem'],
  /** Projection documents: conditional PutItem (read-modify-write on a revision). */
  readModelWrite: ['dynamodb:PutItem'],
} as const;

const attributeTypes = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
} as const satisfies Record<KeyType, AttributeType>;

function toAttribute(key: KeySchema): Attribute {
  return { name: key.name, type: attributeTypes[key.type] };
}

/** Builds a table from the SDK's schema; the defaults favour keeping data over convenience. */
function tableFromSchema(
  scope: Construct,
  id: string,
  schema: TableSchema,
  encryptionKey: IKey | undefined,
  overrides: TableOverrides | undefined,
): Table {
  const table = new Table(scope, id, {
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    ...(encryptionKey
      ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey }
      : { encryption: TableEncryption.DEFAULT }),
    ...overrides,
    partitionKey: toAttribute(schema.partitionKey),
    sortKey: toAttribute(schema.sortKey),
    ...(schema.stream && { stream: StreamViewType[schema.stream] }),
  });
  for (const gsi of schema.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: gsi.indexName,
      partitionKey: toAttribute(gsi.partitionKey),
      sortKey: toAttribute(gsi.sortKey),
      projectionType: ProjectionType[gsi.projection],
    });
  }
  return table;
}

/**
 * The events table, the snapshot table and the read-model table, with grants narrower than
 * `Table.grantReadData`/`grantWriteData` (those include Scan, DeleteItem,
 * BatchWriteItem and every index).
 */
export class EventStoreTables extends Construct {
  readonly events: Table;
  /**
   * Snapshots only. Its own table because IAM cannot condition a PutItem on the
   * sort key: a role allowed to put snapshots into the events table could put
   * an item at `$GLOBAL/POSITION`, a stream head or an event.
   */
  readonly snapshots: Table;
  readonly readModels: Table;

  constructor(scope: Construct, id: string, props: EventStoreTablesProps = {}) {
    super(scope, id);
    this.events = tableFromSchema(
      this,
      'Events',
      eventsTableSchema,
      props.encryptionKey,
      props.eventsTable,
    );
    this.snapshots = tableFromSchema(this, 'Snapshots', snapshotTableSchema, props.encryptionKey, {
      tableName: defaultSnapshotTableName(this.events.tableName),
      ...props.snapshotTable,
    });
    this.readModels = tableFromSchema(
      this,
      'ReadModels',
      readModelTableSchema,
      props.encryptionKey,
      props.readModelTable,
    );
  }

  /** Streams and heads; with `$all`, the byPosition index too. */
  grantEventsRead(grantee: IGrantable, options: { all: boolean } = { all: true }): Grant {
    const indexArns = options.all
      ? eventsTableSchema.globalSecondaryIndexes.map(
          (gsi) => `${this.events.tableArn}/index/${gsi.indexName}`,
        )
      : [];
    return this.#grant(grantee, this.events, TableActions.read, [
      this.events.tableArn,
      ...indexArns,
    ]);
  }

  /** One append transaction; no index access, no deletes. */
  grantEventsAppend(grantee: IGrantable): Grant {
    return this.#grant(grantee, this.events, TableActions.append, [this.events.tableArn], {
      write: true,
    });
  }

  grantSnapshotsRead(grantee: IGrantable): Grant {
    return this.#grant(grantee, this.snapshots, TableActions.snapshotRead, [
      this.snapshots.tableArn,
    ]);
  }

  /** The snapshot table only: this role cannot write the events table at all. */
  grantSnapshotsWrite(grantee: IGrantable): Grant {
    return this.#grant(
      grantee,
      this.snapshots,
      [...TableActions.snapshotRead, ...TableActions.snapshotWrite],
      [this.snapshots.tableArn],
      { write: true },
    );
  }

  grantReadModelsRead(grantee: IGrantable): Grant {
    return this.#grant(grantee, this.readModels, TableActions.read, [this.readModels.tableArn]);
  }

  grantReadModelsWrite(grantee: IGrantable): Grant {
    return this.#grant(
      grantee,
      this.readModels,
      [...TableActions.read, ...TableActions.readModelWrite],
      [this.readModels.tableArn],
      { write: true },
    );
  }

  #grant(
    grantee: IGrantable,
    table: Table,
    actions: readonly string[],
    resourceArns: string[],
    options: { write?: boolean } = {},
  ): Grant {
    const grant = Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns });
    const key = table.encryptionKey;
    if (!key) return grant;
    return grant.combine(
      options.write ? key.grantEncryptDecrypt(grantee) : key.grantDecrypt(grantee),
    );
  }
}
