import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalSetupError } from './dynamodb-local.js';

/** Beside DynamoDB Local's files; they are `*.db`, so the data folder checks leave it alone. */
export const LOCK_FILE = 'runtime.lock';

export interface DataDirLock {
  release(): void;
}

/**
 * One runtime per data folder: two DynamoDB Locals on one SQLite file would
 * each believe they own it, and two stream pollers would share checkpoints.
 * The lock file holds the owner's pid; a lock whose process is gone (killed
 * with -9, a crash) is stale and taken over.
 */
export function lockDataDir(dir: string): DataDirLock {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => releaseIfOurs(file) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder !== undefined && isRunning(holder)) {
      throw new LocalSetupError(
        `The data folder ${dir} is in use by process ${holder} (another npm start): stop that one, or choose another folder with DATA_DIR=...`,
      );
    }
    unlinkQuietly(file);
  }
  throw new LocalSetupError(`Cannot take the lock ${file}: another runtime keeps taking it`);
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs (EPERM: it does, as another user). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseIfOurs(file: string): void {
  if (readHolder(file) === process.pid) unlinkQuietly(file);
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}
