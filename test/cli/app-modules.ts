import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * App modules as a user ships them: plain JavaScript exporting `projections`
 * (what defineProjection returns is a plain object). `broken` throws on
 * events whose data says `poison`; `fixed` is the same projection mended.
 */
export function writeAppModules(): { dir: string; broken: string; fixed: string; slow: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cli-app-'));
  const projection = (evolve: string) => `
export const projections = [{
  name: 'balances',
  eventTypes: ['Deposited'],
  key: (event) => event.streamId,
  initialState: () => ({ balance: 0 }),
  evolve: ${evolve},
}];
`;
  const broken = join(dir, 'broken.mjs');
  const fixed = join(dir, 'fixed.mjs');
  writeFileSync(
    broken,
    projection(`(state, event) => {
    if (event.data.poison) throw new Error('poisoned deposit');
    return { balance: state.balance + event.data.amount };
  }`),
  );
  writeFileSync(
    fixed,
    projection(
      `(state, event) => ({ balance: state.balance + (event.data.poison ? 0 : event.data.amount) })`,
    ),
  );
  // Slow enough (40 ms an event) to be interrupted mid-rebuild.
  const slow = join(dir, 'slow.mjs');
  writeFileSync(
    slow,
    projection(`(state, event) => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40);
    return { balance: state.balance + (event.data.poison ? 0 : event.data.amount) };
  }`),
  );
  return { dir, broken, fixed, slow };
}
