import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { esmRequireShim, nodeRuntime } from './node-function.js';
import { runsFromSource } from './paths.js';

/** The package's name, as a function's `import ... from 'dynamo-event-store'` finds it in the layer. */
export const sdkPackageName = 'dynamo-event-store';

/** Where in the layer the SDK is: Lambda puts `/opt/nodejs/node_modules` on the Node resolution path. */
export const sdkLayerPath = `nodejs/node_modules/${sdkPackageName}`;

const sdkDir = fileURLToPath(new URL('../src/', import.meta.url));
const sdkEntry = join(sdkDir, runsFromSource ? 'index.ts' : 'index.js');

/**
 * The SDK (`import { EventStore } from 'dynamo-event-store'`) as a Lambda
 * layer, for an app's functions that do not bundle it: one ESM file holding
 * the SDK and what it imports (the AWS SDK clients it uses, zod), built with
 * esbuild at synth time. A function using it marks `dynamo-event-store`
 * external when it bundles.
 */
export class EventStoreSdkLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.layer = new LayerVersion(this, 'Layer', {
      description: 'dynamo-event-store SDK (ESM), at nodejs/node_modules/dynamo-event-store',
      compatibleRuntimes: [nodeRuntime],
      // Pure JavaScript: either architecture.
      compatibleArchitectures: [Architecture.ARM_64, Architecture.X86_64],
      code: Code.fromAsset(sdkDir, {
        bundling: {
          // Never pulled: the local esbuild bundles, or the synth fails naming it.
          image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
          local: { tryBundle: (outputDir) => bundleSdk(outputDir) },
        },
      }),
    });
  }
}

function bundleSdk(outputDir: string): boolean {
  const require = createRequire(import.meta.url);
  let esbuild: typeof import('esbuild');
  try {
    esbuild = require('esbuild') as typeof import('esbuild');
  } catch (error) {
    throw new Error('the SDK layer is bundled with esbuild: npm install -D esbuild', {
      cause: error,
    });
  }
  const dir = join(outputDir, sdkLayerPath);
  mkdirSync(dir, { recursive: true });
  esbuild.buildSync({
    entryPoints: [sdkEntry],
    outfile: join(dir, 'index.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    mainFields: ['module', 'main'],
    banner: { js: esmRequireShim },
    minify: true,
    // Error classes report `new.target.name`: keep the names minification would mangle.
    keepNames: true,
    sourcemap: true,
    sourcesContent: false,
    logLevel: 'warning',
  });
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: sdkPackageName, type: 'module', exports: { '.': './index.mjs' } }, null, 2)}\n`,
  );
  return true;
}
