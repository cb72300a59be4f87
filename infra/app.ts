import { App } from 'aws-cdk-lib';
import { EventStoreStack, resolveStage, stackName } from './stack.js';

// Environment-agnostic on purpose: no account/region lookups, so `cdk synth`
// runs offline without credentials; `cdk deploy` takes them from the profile.
const app = new App();
const stage = resolveStage(app.node.tryGetContext('stage'), process.env.STAGE);
new EventStoreStack(app, stackName(stage), { stage });
app.synth();
