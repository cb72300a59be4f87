import type { Command } from 'commander';
import { StreamNotFoundError } from '../../src/errors.js';
import { withStore } from '../context.js';

export function registerHead(program: Command): void {
  program
    .command('head')
    .description("a stream's head: its version and when it was created and last written")
    .argument('<stream>', 'stream id')
    .action(
      withStore(async (ctx, stream: string) => {
        const head = await ctx.store.getStreamHead(stream);
        if (!head) throw new StreamNotFoundError(stream);
        ctx.out.result(head, () =>
          ctx.out.fields([
            ['stream', head.streamId],
            ['version', head.version],
            ['created', head.createdAt],
            ['updated', head.updatedAt],
          ]),
        );
      }),
    );
}
