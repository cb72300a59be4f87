import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { EventStoreStack, resolveStage, stackName } from 'dynamo-event-store/cdk';
import { AccountsApi } from './accounts-api.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Environment-agnostic on purpose: no account/region lookups, so `cdk synth`
// runs offline without credentials; `cdk deploy` takes them from the profile.
const app = new App();
const stage = resolveStage(app.node.tryGetContext('stage'), process.env.STAGE);
const stack = new EventStoreStack(app, stackName(stage), {
  stage,
  eventStore: {
    // The app's modules, bundled into the projector, the snapshotter and the API
    // (the events registry validates appends and upcasts reads in each of them).
    projections: here('../src/projections.ts'),
    aggregates: here('../src/aggregates.ts'),
    events: here('../src/events.ts'),
  },
});
new AccountsApi(stack, 'Accounts', { eventStore: stack.eventStore });
app.synth();
