import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, it } from 'vitest';
import { EventStoreSdkLayer, sdkLayerPath } from '../../infra/sdk-layer.js';
import { consumerEntry, logicalId, synthesize, testApp } from './synth.js';

describe('EventStoreConstruct.sdkLayer', () => {
  it('is a Node 24 layer for either architecture, attached to the functions that ask for it', () => {
    let fn: NodejsFunction | undefined;
    const { template, eventStore } = synthesize({
      extend: (stack, store) => {
        fn = new NodejsFunction(stack, 'Orders', {
          entry: consumerEntry,
          runtime: Runtime.NODEJS_24_X,
          layers: [store.sdkLayer],
          bundling: { externalModules: ['@aws-sdk/*', 'dynamo-event-store'] },
        });
      },
    });
    if (!fn) throw new Error('no function');

    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleRuntimes: ['nodejs24.x'],
      CompatibleArchitectures: ['arm64', 'x86_64'],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Layers: [{ Ref: logicalId(eventStore.sdkLayer) }],
    });
    expect(
      template.findResources('AWS::Lambda::Function')[logicalId(fn)]?.Properties.Layers,
    ).toEqual([{ Ref: logicalId(eventStore.sdkLayer) }]);
  });

  it('is not deployed unless asked for', () => {
    synthesize().template.resourceCountIs('AWS::Lambda::LayerVersion', 0);
  });

  it('holds the SDK as an ESM package at nodejs/node_modules/dynamo-event-store that imports alone', async () => {
    // A stack of its own, so only the layer is bundled.
    const app = testApp({ bundle: true });
    const sdk = new EventStoreSdkLayer(new Stack(app, 'Layer'), 'Sdk');
    const template = Template.fromStack(Stack.of(sdk));
    const layer = template.findResources('AWS::Lambda::LayerVersion')[logicalId(sdk.layer)];
    const key = layer?.Properties.Content.S3Key as string;
    const dir = join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`, sdkLayerPath);

    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))).toEqual({
      name: 'dynamo-event-store',
      type: 'module',
      exports: { '.': './index.mjs' },
    });
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    const exported = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as Record<
      string,
      unknown
    >;
    expect(typeof exported.EventStore).toBe('function');
    expect(typeof exported.streamEventFilter).toBe('function');
  }, 120_000);
});
