import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';
import { LocalSetupError } from './dynamodb-local.js';

const SQLITE_HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');

/**
 * Makes sure DynamoDB Local can keep its data in `dir`: the folder exists, is
 * writable, and every database file in it at least looks like SQLite.
 * DynamoDB Local itself starts on a broken file and then fails every request
 * with InternalFailure, so this check names the file before Java even starts.
 */
export function prepareDataDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new LocalSetupError(
      `The data folder ${dir} is a file: move it away or choose another folder with DATA_DIR=...`,
    );
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new LocalSetupError(
      `Cannot create the data folder ${dir} (${(error as NodeJS.ErrnoException).code}): choose another one with DATA_DIR=...`,
    );
  }
  try {
    accessSync(dir, constants.R_OK | constants.W_OK);
  } catch {
    throw new LocalSetupError(`The data folder ${dir} is not readable and writable by this user`);
  }
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.db')) continue;
    const file = join(dir, name);
    if (statSync(file).size > 0 && !startsWithSqliteHeader(file)) {
      throw corruptedDataDir(dir, `${name} is not an SQLite database`);
    }
  }
}

/** The one-line explanation for a data folder DynamoDB Local cannot read. */
export function corruptedDataDir(dir: string, detail: string): LocalSetupError {
  return new LocalSetupError(
    `The data folder ${dir} is corrupted (${detail}): move it away (mv ${dir} ${dir}.broken) ` +
      'or delete it, then start again with an empty store',
  );
}

/** `...SQLiteException: [11] DB[1] reset [database disk image is malformed]` -> its last bracket. */
export function sqliteReason(logLine: string): string {
  return /\[([^\]]+)\]\s*$/.exec(logLine)?.[1] ?? (logLine || 'DynamoDB Local cannot read it');
}

function startsWithSqliteHeader(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    readSync(fd, head, 0, head.length, 0);
    return head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}
