import { describe, expect, it } from 'vitest';
import { startupBanner } from '../../src/main/startup-banner.js';

const common = { database: { mode: 'postgres' as const, location: 'postgres://db/planning' }, redis: 'redis' as const };

describe('startupBanner', () => {
  it('when every role runs in the process, then it lists each bound URL, the worker\'s with its paths, and no routed row', () => {
    const banner = startupBanner({
      ...common,
      roles: ['gateway', 'subgraph', 'worker', 'comms'],
      urls: { worker: 'http://127.0.0.1:40003', comms: 'http://127.0.0.1:40002/graphql', gateway: 'http://127.0.0.1:40000/graphql', planning: 'http://127.0.0.1:40001/graphql' },
      routing: { planning: 'http://127.0.0.1:40001/graphql', comms: 'http://127.0.0.1:40002/graphql' },
      bus: 'rabbitmq',
    });
    const lines = banner.split('\n').map((line) => line.trim().split(/\s{2,}/));
    expect(lines.slice(1, 5)).toEqual([
      ['gateway', 'http://127.0.0.1:40000/graphql'],
      ['planning', 'http://127.0.0.1:40001/graphql'],
      ['comms', 'http://127.0.0.1:40002/graphql'],
      ['worker', 'http://127.0.0.1:40003 (/health, /ready, /metrics)'],
    ]);
    expect(banner).not.toContain('(routed)');
  });

  it('when the gateway runs alone, then it shows where it routes each subgraph', () => {
    const banner = startupBanner({
      ...common,
      roles: ['gateway'],
      urls: { gateway: 'http://127.0.0.1:4000/graphql' },
      routing: { planning: 'http://planning:4001/graphql', comms: 'http://127.0.0.1:4002/graphql' },
    });
    expect(banner).toMatch(/^\s+planning \(routed\)\s+http:\/\/planning:4001\/graphql$/m);
    expect(banner).toMatch(/^\s+comms \(routed\)\s+http:\/\/127\.0\.0\.1:4002\/graphql$/m);
  });
});
