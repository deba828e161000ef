import { describe, expect, it } from 'vitest';
import { cachedCheck, runReadiness } from '../../../src/platform/http/readiness.js';

/** A check whose runs are counted and whose outcome the test decides; time is the test's `clock.now`. */
function countedCheck() {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const state = { runs: 0, failWith: undefined as string | undefined, hold: false, release };
  const check = {
    name: 'subgraph:planning',
    check: async () => {
      state.runs += 1;
      if (state.hold) await released;
      if (state.failWith) throw new Error(state.failWith);
    },
  };
  return { state, check };
}

describe('cachedCheck', () => {
  it('when asked again within the cache time, then the check does not run again and the same outcome is reported', async () => {
    const clock = { now: 1_000 };
    const { state, check } = countedCheck();
    const cached = cachedCheck(check, 2_000, () => clock.now);
    expect((await runReadiness([cached])).status).toBe('ready');
    clock.now += 1_999;
    expect((await runReadiness([cached])).status).toBe('ready');
    expect(state.runs).toBe(1);

    clock.now += 1;
    state.failWith = 'ECONNREFUSED';
    expect(await runReadiness([cached])).toEqual({
      status: 'unavailable',
      checks: { 'subgraph:planning': 'down' },
      failing: { 'subgraph:planning': 'ECONNREFUSED' },
    });
    expect(state.runs).toBe(2);
  });

  it('when the check failed, then the failure is reused within the cache time too, and a later run can recover', async () => {
    const clock = { now: 0 };
    const { state, check } = countedCheck();
    state.failWith = 'HTTP 503';
    const cached = cachedCheck(check, 2_000, () => clock.now);
    await expect(cached.check()).rejects.toThrow('HTTP 503');
    state.failWith = undefined;
    clock.now = 1_500;
    await expect(cached.check()).rejects.toThrow('HTTP 503');
    expect(state.runs).toBe(1);
    clock.now = 2_000;
    await expect(cached.check()).resolves.toBeUndefined();
    expect(state.runs).toBe(2);
  });

  it('when probes arrive while a run is still going, then they wait for that run instead of starting their own', async () => {
    const { state, check } = countedCheck();
    state.hold = true;
    const cached = cachedCheck(check, 2_000, () => 0);
    const outcomes = [cached.check(), cached.check(), cached.check()];
    state.release();
    await Promise.all(outcomes);
    expect(state.runs).toBe(1);
  });
});
