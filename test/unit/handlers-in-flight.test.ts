import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { drainHttpServer, drainTimeout, HandlersInFlight } from '../../src/platform/http/drain-http-server.js';

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

describe('one shutdown deadline for servers stopped in turn', () => {
  it('when the deadline is sooner than the server\'s own timeout, then the drain ends there and counts the handler still running', async () => {
    const handlers = new HandlersInFlight();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let release!: () => void;
    handlers.track(new Promise<void>((resolve) => (release = resolve)));
    try {
      // A server of 60 s that stops 100 ms before the shared deadline: without the deadline this drain takes 60 s and
      // the test times out.
      const { unfinished } = await drainHttpServer(server, 60_000, { handlers, deadline: Date.now() + 100 });
      expect(unfinished).toBe(1);
      expect(server.listening).toBe(false);
    } finally {
      release();
    }
  });

  it('when the deadline has passed or is absent, then the timeout is 0 or the server\'s own', () => {
    expect(drainTimeout(10_000)).toBe(10_000);
    expect(drainTimeout(10_000, Date.now() - 5)).toBe(0);
    expect(drainTimeout(10_000, Date.now() + 60_000)).toBe(10_000);
    const left = drainTimeout(10_000, Date.now() + 3_000);
    expect(left).toBeGreaterThan(2_000);
    expect(left).toBeLessThanOrEqual(3_000);
  });
});
