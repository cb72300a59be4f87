import { spawnSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { findDynamoDbLocalJar } from '../local/dynamodb-local.js';

/** What the figures were measured on: they mean little without it. */
export function machine() {
  const cpu = cpus();
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()}`,
    node: process.version,
    java: (java.stderr ?? '').split('\n')[0]?.trim() ?? 'unknown',
    dynamoDbLocal: findDynamoDbLocalJar().dir.split('/').at(-1) ?? 'unknown',
    commit: git.stdout?.trim() || 'unknown',
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}
