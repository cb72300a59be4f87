import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRunning } from './data-lock.js';

/** Beside the lock file: where a running runtime says how to reach it (the CLI reads it). */
export const RUNTIME_FILE = 'runtime.json';

/** Where `npm start` keeps its data unless DATA_DIR says otherwise. */
export const defaultDataDir = '.data';

/** What a running local runtime tells other processes about itself. */
export interface RuntimeInfo {
  pid: number;
  /** DynamoDB Local's endpoint (a free port, chosen at each start). */
  endpoint: string;
  url: string;
  eventsTable: string;
  readModelTable: string;
  snapshotTable: string;
}

export function writeRuntimeFile(dataDir: string, info: RuntimeInfo): void {
  writeFileSync(join(dataDir, RUNTIME_FILE), `${JSON.stringify(info, null, 2)}\n`);
}

/** Removes the file if this process wrote it; a later runtime's file is not ours to remove. */
export function removeRuntimeFile(dataDir: string): void {
  const file = join(dataDir, RUNTIME_FILE);
  if (readRuntimeFile(dataDir)?.pid !== process.pid) return;
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/**
 * The runtime running on `dataDir`, or undefined when none is: no file, an
 * unreadable one, or one left by a process that is gone (killed with -9).
 */
export function readRuntimeFile(dataDir: string): RuntimeInfo | undefined {
  let info: Partial<RuntimeInfo>;
  try {
    info = JSON.parse(readFileSync(join(dataDir, RUNTIME_FILE), 'utf8')) as Partial<RuntimeInfo>;
  } catch {
    return undefined;
  }
  const complete =
    typeof info.pid === 'number' &&
    typeof info.endpoint === 'string' &&
    typeof info.url === 'string' &&
    typeof info.eventsTable === 'string' &&
    typeof info.readModelTable === 'string' &&
    typeof info.snapshotTable === 'string';
  return complete && isRunning(info.pid as number) ? (info as RuntimeInfo) : undefined;
}
