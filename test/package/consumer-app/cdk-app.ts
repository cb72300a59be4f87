import { App, Stack } from 'aws-cdk-lib';
import { EventStoreConstruct } from 'dynamo-event-store/cdk';

/** A consumer's CDK app: the construct with the app's own projection module. */
const app = new App({ outdir: process.argv[2] ?? 'cdk.out' });
const stack = new Stack(app, 'OrdersStore');
new EventStoreConstruct(stack, 'EventStore', { projections: './projections.ts' });
app.synth();
