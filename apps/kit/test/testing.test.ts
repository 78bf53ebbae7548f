// The shared test helpers (@marquee/kit/testing): waits name what they waited for, fuzz seeds
// replay, and a bad FUZZ_SEED is refused rather than silently turned into NaN.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fuzzSeed, prng, waitFor, within } from '../src/testing.ts';

describe('@marquee/kit/testing', () => {
  it('waitFor returns the first truthy value and names what it waited for on timeout', async () => {
    let n = 0;
    assert.equal(await waitFor('n to reach 3', () => (++n >= 3 ? n : undefined), { intervalMs: 1 }), 3);
    await assert.rejects(
      waitFor('the queue to drain', () => {
        throw new Error('queue has 4 messages');
      }, { timeoutMs: 50, intervalMs: 5 }),
      /timed out after 50 ms waiting for the queue to drain \(last error: queue has 4 messages\)/,
    );
  });

  it('within names the promise that did not settle', async () => {
    assert.equal(await within('a quick answer', 1000, Promise.resolve(7)), 7);
    await assert.rejects(within('the worker to exit', 20, new Promise(() => {})), /timed out after 20 ms waiting for the worker to exit/);
  });

  it('fuzzSeed replays FUZZ_SEED, refuses garbage, and picks a fresh one otherwise', () => {
    assert.equal(fuzzSeed({ FUZZ_SEED: '123456' }), 123456);
    assert.throws(() => fuzzSeed({ FUZZ_SEED: 'abc' }), /FUZZ_SEED="abc": expected a non-negative integer/);
    assert.throws(() => fuzzSeed({ FUZZ_SEED: '-1' }), /FUZZ_SEED/);
    const fresh = fuzzSeed({});
    assert.ok(Number.isInteger(fresh) && fresh >= 0, String(fresh));
  });

  it('prng is deterministic per seed and different across seeds', () => {
    const take = (seed: number) => Array.from({ length: 5 }, prng(seed));
    assert.deepEqual(take(42), take(42));
    assert.notDeepEqual(take(42), take(43));
    assert.ok(take(7).every((x) => x >= 0 && x < 1));
  });
});
