import type { PositionMode } from '../../src/types.js';
import { storeAppends } from '../appends.js';
import { type Figure, formatNumber, ratio, type Scenario } from '../harness.js';

/**
 * 16 concurrent writers in one process, group commit on vs off, in both
 * position modes. The target applies to strict mode, where group commit is
 * what lets one process's appends share the counter (without it, its 16
 * transactions cancel each other on the counter item). In reserved mode the
 * counter is not in the transaction, so 16 separate transactions on distinct
 * streams do not conflict: there group commit saves round trips and capacity,
 * not throughput, and its ratio is reported without a target.
 */
export const groupCommit16: Scenario = {
  name: 'group-commit-16',
  uses: 'simulation',
  title: '16 writers in one process, group commit on vs off (simulated service), both modes',
  async run(ctx) {
    const figures: Figure[] = [];
    for (const mode of ['strict', 'reserved'] as PositionMode[]) {
      const on = await storeAppends(ctx, { mode, processes: 1, writers: 16 });
      const off = await storeAppends(ctx, { mode, processes: 1, writers: 16, groupCommit: false });
      figures.push(
        { name: `${mode}: appends/s, group commit on`, value: on.perSecond, unit: '/s' },
        { name: `${mode}: appends/s, group commit off`, value: off.perSecond, unit: '/s' },
        ratio(
          `${mode}: on / off`,
          on.perSecond,
          off.perSecond,
          mode === 'strict' ? { op: '>=', value: 8 } : undefined,
          `${formatNumber(on.perSecond)}/s over ${formatNumber(off.perSecond)}/s`,
        ),
        {
          name: `${mode}: transactions per append, on / off`,
          value: (on.requests.TransactWriteItems ?? 0) / Math.max(1, on.appends),
          unit: `/ ${formatNumber((off.requests.TransactWriteItems ?? 0) / Math.max(1, off.appends))}`,
        },
        { name: `${mode}: failed appends, on / off`, value: on.failed, unit: `/ ${off.failed}` },
      );
    }
    // 'any' on a new stream reads its head first; 'exact' (expectedVersion 0) does not, as a command handler that loaded its aggregate.
    const exact = { mode: 'strict', processes: 1, writers: 16, expectedVersion: 'exact' } as const;
    const onExact = await storeAppends(ctx, exact);
    const offExact = await storeAppends(ctx, { ...exact, groupCommit: false });
    figures.push(
      ratio(
        'strict, expectedVersion 0: on / off',
        onExact.perSecond,
        offExact.perSecond,
        undefined,
        `${formatNumber(onExact.perSecond)}/s over ${formatNumber(offExact.perSecond)}/s`,
      ),
    );
    return figures;
  },
};
