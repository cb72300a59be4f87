import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system) the process `pid` has used so far, in ms, from
 * /proc; undefined where there is no /proc. Read around a run, it says what
 * that run cost DynamoDB Local, whatever else the machine was doing.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticksPerSecond ??=
      Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout?.trim()) || 100;
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name and state.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}
