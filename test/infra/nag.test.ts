import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { Acknowledged } from '../../infra/acknowledgments.js';
import { EventStoreConstruct, type EventStoreConstructProps } from '../../infra/event-store.js';
import {
  consumerEntry,
  consumerFilter,
  exampleModules,
  sorted,
  synthesize,
  testAppContext,
} from './synth.js';

interface Report {
  pluginReports: {
    pluginName: string;
    violations: {
      ruleName: string;
      severity: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** Every unacknowledged finding (errors and warnings) of both packs, as `rule at path`. */
function nagFindings(
  props: EventStoreConstructProps,
  extend?: (stack: Stack, eventStore: EventStoreConstruct) => void,
): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'nag-'));
  outdirs.push(outdir);
  const app = new App({ ...testAppContext(), outdir });
  const stack = new Stack(app, 'Nag');
  const eventStore = new EventStoreConstruct(stack, 'EventStore', props);
  extend?.(stack, eventStore);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  try {
    app.synth();
  } catch (error) {
    if (!existsSync(join(outdir, 'validation-report.json'))) throw error;
  }
  const reportFile = join(outdir, 'validation-report.json');
  if (!existsSync(reportFile)) return [];
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.flatMap((violation) =>
      violation.violatingConstructs.map(
        (c) => `${violation.severity} ${violation.ruleName} at ${c.constructPath}`,
      ),
    ),
  );
}

describe('EventStore construct under cdk-nag (AwsSolutions, Serverless)', () => {
  it('has no unacknowledged finding with the example modules', () => {
    expect(nagFindings(exampleModules)).toEqual([]);
  });

  it("has no unacknowledged finding in 'sequenced' mode (with the sequencer)", () => {
    expect(nagFindings({ ...exampleModules, positionMode: 'sequenced' })).toEqual([]);
  });

  it("has no unacknowledged finding with an app's consumer, an event-bus fan-out and the SDK layer", () => {
    const findings = nagFindings(exampleModules, (stack, eventStore) => {
      eventStore.addConsumer('Reader', { entry: consumerEntry, ...consumerFilter });
      eventStore.addEventBusFanOut('ToBus', { eventBus: new EventBus(stack, 'Bus') });
      void eventStore.sdkLayer;
    });

    expect(findings).toEqual([]);
  });

  it('acknowledges only the findings of infra/acknowledgments.ts, each with its reason', () => {
    const { stack } = synthesize({
      props: { positionMode: 'sequenced' },
      extend: (scope, eventStore) => {
        eventStore.addConsumer('Reader', { entry: consumerEntry });
        eventStore.addEventBusFanOut('ToBus', { eventBus: new EventBus(scope, 'Bus') });
      },
    });
    const acknowledged = stack.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>));
    const distinct = new Set(
      acknowledged.map(
        // CDK records an acknowledgment under its namespaced id.
        ([id, reason]) => `${id.replace(/^Annotation::/, '')} ${reason}`,
      ),
    );

    expect(sorted([...distinct])).toEqual(
      sorted(Object.values(Acknowledged).map((a) => `${a.id} ${a.reason}`)),
    );
  });
});
