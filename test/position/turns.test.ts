import { describe, expect, it } from 'vitest';
import { Turns } from '../../src/position/turns.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('Turns (one holder at a time, in arrival order)', () => {
  it('gives the next turn only when the holder ends its own', async () => {
    // Prepare
    const turns = new Turns(10_000);
    const order: string[] = [];
    const endFirst = await turns.take();

    // Act
    const second = turns.take().then((end) => {
      order.push('second');
      end();
    });
    const third = turns.take().then((end) => {
      order.push('third');
      end();
    });
    await tick();
    order.push('first ends');
    endFirst();
    await Promise.all([second, third]);

    // Assess
    expect(order).toEqual(['first ends', 'second', 'third']);
  });

  it('moves on when a holder keeps its turn past the lease', async () => {
    // Prepare
    const turns = new Turns(20);
    await turns.take();

    // Act
    const started = Date.now();
    const end = await turns.take();
    end();

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
  });
});
