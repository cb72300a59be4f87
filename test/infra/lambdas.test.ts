import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EnvVar } from '../../src/table.js';
import { logicalId, type Synthesized, synthesize } from './synth.js';

type FnResource = { Properties: Record<string, unknown> };

describe('EventStore Lambda functions (bundled with esbuild)', () => {
  let synth: Synthesized;
  let functions: Record<'api' | 'projector' | 'snapshotter', FnResource>;

  beforeAll(() => {
    synth = synthesize({ bundle: true });
    const resources = synth.template.toJSON().Resources as Record<string, FnResource>;
    const of = (fn: NodejsFunction) => resources[logicalId(fn)]!;
    functions = {
      api: of(synth.eventStore.api.function),
      projector: of(synth.projector.function),
      snapshotter: of(synth.snapshotter.function),
    };
  }, 120_000);

  const names = ['api', 'projector', 'snapshotter'] as const;

  it('creates no functions besides the three', () => {
    synth.template.resourceCountIs('AWS::Lambda::Function', 3);
  });

  it.each(names)('runs %s on Node.js 24 (the newest Lambda runtime), ARM64, traced', (name) => {
    expect(functions[name].Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
  });

  it.each(names)('bundles %s as one ESM file with a source map that Node applies', (name) => {
    const { Properties } = functions[name];
    const code = Properties.Code as { S3Key: string };
    const assetDir = join(synth.app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');

    expect(Properties.Handler).toBe('index.handler');
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    expect(bundle).toMatch(/export\s*\{[^}]*\bhandler\b/);
    expect(bundle).toContain('sourceMappingURL=index.mjs.map');
    expect(Properties.Environment).toMatchObject({
      Variables: { NODE_OPTIONS: '--enable-source-maps' },
    });
  });

  it.each(names)('tells %s both table names', (name) => {
    expect(functions[name].Properties.Environment).toMatchObject({
      Variables: {
        [EnvVar.eventsTable]: { Ref: logicalId(synth.eventStore.eventsTable) },
        [EnvVar.readModelTable]: { Ref: logicalId(synth.eventStore.readModelTable) },
      },
    });
  });
});
