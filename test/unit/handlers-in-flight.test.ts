import { describe, expect, it } from 'vitest';
import { HandlersInFlight } from '../../src/platform/http/drain-http-server.js';

const later = <T>(ms: number, value: T, fail = false) =>
  new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error('handler failed')) : resolve(value)), ms));

describe('HandlersInFlight', () => {
  it('when handlers are tracked, then settled waits for all of them, failed ones included, and then counts none', async () => {
    const handlers = new HandlersInFlight();
    const failing = later(30, 0, true);
    failing.catch(() => {});
    let slowDone = false;
    handlers.track(later(60, 1).then(() => (slowDone = true)));
    handlers.track(failing);
    expect(handlers.size).toBe(2);
    await expect(handlers.settled(Date.now() + 5_000)).resolves.toBe(true);
    expect(slowDone).toBe(true);
    expect(handlers.size).toBe(0);
  });

  it('when a handler outlives the deadline, then settled answers false at the deadline and the handler is still counted', async () => {
    const handlers = new HandlersInFlight();
    handlers.track(later(2_000, 1));
    await expect(handlers.settled(Date.now() + 50)).resolves.toBe(false);
    expect(handlers.size).toBe(1);
  });

  it('when a handler is tracked while settled waits, then settled waits for it too', async () => {
    const handlers = new HandlersInFlight();
    let secondDone = false;
    handlers.track(later(20, 1).then(() => handlers.track(later(40, 2).then(() => (secondDone = true)))));
    await expect(handlers.settled(Date.now() + 5_000)).resolves.toBe(true);
    expect(secondDone).toBe(true);
  });
});
