import { isEventStoreError, ValidationError } from '../src/errors.js';

/** Bad arguments: the command never touched the store. Exit status 2. */
export class UsageError extends ValidationError {}

export const ExitCode = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

/** The one line an error prints, and the status the process ends with. */
export function describeError(error: unknown): { code: string; message: string; exit: number } {
  if (error instanceof UsageError) {
    return { code: error.code, message: error.message, exit: ExitCode.usage };
  }
  if (isEventStoreError(error)) {
    return { code: error.code, message: oneLine(error.message), exit: ExitCode.failure };
  }
  const named = error as { name?: string; message?: string } | undefined;
  // An AWS SDK error outside the store's calls (CloudFormation, SQS, credentials).
  if (named?.name && named.name !== 'Error' && typeof named.message === 'string') {
    return { code: named.name, message: oneLine(named.message), exit: ExitCode.failure };
  }
  return {
    code: 'Error',
    message: oneLine(named?.message ?? String(error)),
    exit: ExitCode.failure,
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
