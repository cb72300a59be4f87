import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ShardCheckpoint {
  /** The last record handed to (or deliberately skipped past by) the consumer. */
  sequenceNumber?: string;
  /** The shard was closed and read to its end. */
  finished?: boolean;
}

interface FileContent {
  streamArn: string;
  shards: Record<string, ShardCheckpoint>;
}

/**
 * Per consumer, each shard's last sequence number, so a restart resumes
 * instead of replaying the whole stream (replay would be harmless, only slow).
 * Without a path it lives in memory only.
 */
export class CheckpointFile {
  #content: FileContent;

  constructor(
    readonly path: string | undefined,
    streamArn: string,
  ) {
    const stored = path ? readContent(path) : undefined;
    // A checkpoint of another stream (the table was recreated) means nothing here.
    this.#content = stored?.streamArn === streamArn ? stored : { streamArn, shards: {} };
  }

  get(shardId: string): ShardCheckpoint {
    return this.#content.shards[shardId] ?? {};
  }

  set(shardId: string, checkpoint: ShardCheckpoint): void {
    this.#content.shards[shardId] = { ...this.get(shardId), ...checkpoint };
    if (!this.path) return;
    mkdirSync(dirname(this.path), { recursive: true });
    // Write then rename: a crash mid-write must not leave half a checkpoint.
    const temp = `${this.path}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.#content, null, 2)}\n`);
    renameSync(temp, this.path);
  }
}

function readContent(path: string): FileContent | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<FileContent>;
    if (
      typeof parsed.streamArn !== 'string' ||
      typeof parsed.shards !== 'object' ||
      !parsed.shards
    ) {
      return undefined;
    }
    return { streamArn: parsed.streamArn, shards: parsed.shards };
  } catch {
    // Missing or unreadable: start from the stream's oldest record, which is safe.
    return undefined;
  }
}
