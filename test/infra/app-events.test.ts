import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { appModuleAliases } from '../../infra/app-modules.js';
import { appModuleSpecifiers, lambdaEntries } from '../../infra/paths.js';
import { logicalId, synthesize } from './synth.js';

const eventsModule = fileURLToPath(
  new URL('../../examples/modelling/src/events.ts', import.meta.url),
);

describe("the construct's events module", () => {
  it('is bound to the entries, or the empty module when not given', () => {
    expect(appModuleAliases({ events: eventsModule })[appModuleSpecifiers.events]).toBe(
      eventsModule,
    );
    expect(appModuleAliases({})[appModuleSpecifiers.events]).toBe(lambdaEntries.noAppModules);
  });

  it('is bundled into the API, the projector and the snapshotter', () => {
    const synth = synthesize({ bundle: true, props: { events: eventsModule } });
    const resources = synth.template.toJSON().Resources as Record<
      string,
      { Properties: { Code: { S3Key: string } } }
    >;
    const bundleOf = (fn: NodejsFunction) => {
      const key = resources[logicalId(fn)]?.Properties.Code.S3Key ?? '';
      return readFileSync(
        join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs'),
        'utf8',
      );
    };

    for (const fn of [
      synth.eventStore.api.function,
      synth.projector.function,
      synth.snapshotter.function,
    ]) {
      // The example's event types and upcaster are in the (minified) bundle, with the export's check.
      const bundle = bundleOf(fn);
      const found = [
        '"OrderShipped"',
        'currency:"EUR"',
        'must be a defineEvents(...) registry',
      ].filter((text) => bundle.includes(text));
      expect(found).toHaveLength(3);
    }
  }, 120_000);
});
