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
  eventsTableSchema,
  type KeySchema,
  type KeyType,
  readModelTableSchema,
  snapshotItemAttributes,
  type TableSchema,
} from '../src/table.js';

/** What a caller may override; the keys and the stream come from `src/table.ts` only. */
export type TableOverrides = Partial<Omit<TableProps, 'partitionKey' | 'sortKey' | 'stream'>>;

export interface EventStoreTablesProps {
  /** A customer managed key for both tables. Default: the AWS owned key (no KMS charges). */
  readonly encryptionKey?: IKey;
  readonly eventsTable?: TableOverrides;
  readonly readModelTable?: TableOverrides;
}

/**
 * The DynamoDB actions each role needs, from the calls `src/` makes, named once
 * so the grants and the tests agree. TransactWriteItems is authorized per item
 * (here UpdateItem for the counter and head, PutItem per event), which is why
 * no "transact" action appears. No Scan, no DeleteItem, no BatchWriteItem.
 */
export const TableActions = {
  /** GetItem: heads, snapshots, `$all` hole checks; Query: streams and the byPosition index. */
  read: ['dynamodb:GetItem', 'dynamodb:Query'],
  /** The transaction, the counter/head pre-reads and the idempotent-retry Query. */
  append: ['dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  /** One conditional PutItem per snapshot. */
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
      projectionType: ProjectionType.ALL,
    });
  }
  return table;
}

/**
 * The events table and the read-model table, with grants narrower than
 * `Table.grantReadData`/`grantWriteData` (those include Scan, DeleteItem,
 * BatchWriteItem and every index).
 */
export class EventStoreTables extends Construct {
  readonly events: Table;
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
    this.readModels = tableFromSchema(
      this,
      'ReadModels',
      readModelTableSchema,
      props.encryptionKey,
      props.readModelTable,
    );
  }

  /** Streams, heads and snapshots; with `$all`, the byPosition index too. */
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

  grantSnapshotWrite(grantee: IGrantable): Grant {
    return this.#grant(grantee, this.events, TableActions.snapshotWrite, [this.events.tableArn], {
      write: true,
      conditions: {
        // IAM has no condition on sort keys: allowing only a snapshot's attributes is
        // the closest guard to "only SNAPSHOT items" (events carry type, data, position...).
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...snapshotItemAttributes] },
      },
    });
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
    options: { write?: boolean; conditions?: Record<string, Record<string, unknown>> } = {},
  ): Grant {
    const grant = Grant.addToPrincipal({
      grantee,
      actions: [...actions],
      resourceArns,
      ...(options.conditions && { conditions: options.conditions }),
    });
    const key = table.encryptionKey;
    if (!key) return grant;
    return grant.combine(
      options.write ? key.grantEncryptDecrypt(grantee) : key.grantDecrypt(grantee),
    );
  }
}
