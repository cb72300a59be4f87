import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { EventStoreConstruct, type EventStoreConstructProps } from '../../infra/event-store.js';
import { exampleModules, testAppContext } from './synth.js';

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
function nagFindings(props: EventStoreConstructProps): string[] {
  const outdir = mkdtempSync(join(tmpdir(), 'nag-'));
  outdirs.push(outdir);
  const app = new App({ ...testAppContext(), outdir });
  const stack = new Stack(app, 'Nag');
  new EventStoreConstruct(stack, 'EventStore', props);
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
});
