import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { EventStoreConstruct } from 'dynamo-event-store/cdk';

export interface AccountsApiProps {
  readonly eventStore: EventStoreConstruct;
}

/** The app's own Lambda, appending through the SDK with the grants the construct offers. */
export class AccountsApi extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: AccountsApiProps) {
    super(scope, id);
    this.function = new NodejsFunction(this, 'Handler', {
      entry: fileURLToPath(new URL('../lambdas/accounts.ts', import.meta.url)),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(15),
      bundling: {
        format: OutputFormat.ESM,
        // Only inside this repository: resolve `dynamo-event-store` to its sources, not dist/.
        esbuildArgs: { '--conditions': 'event-store-source' },
      },
    });
    props.eventStore.grantAppend(this.function); // sets EVENTS_TABLE_NAME
    props.eventStore.grantRead(this.function); // loadAggregate reads the stream and snapshots
  }
}
