import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

describe('loadConfig', () => {
  it('when nothing is set, then it runs on embedded defaults in development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ nodeEnv: 'development', planningPort: 4001, gatewayPort: 4000, databaseUrl: undefined, trustMode: 'signed', redisUrl: undefined, rabbitmqUrl: undefined });
    expect(config.auth).toMatchObject({ issuer: 'focus-kraliki', audience: 'ocelot-platform', tokenTtlSeconds: 900 });
  });

  it('when several variables are bad, then one error names every one of them', () => {
    let error: unknown;
    try {
      loadConfig({ PLANNING_PORT: 'abc', DATABASE_URL: 'mysql://x', NODE_ENV: 'prod', DATABASE_POOL_MAX: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PLANNING_PORT', 'DATABASE_URL', 'NODE_ENV', 'DATABASE_POOL_MAX']) expect(problems).toContain(name);
  });

  it('when production runs without a cursor secret, then it refuses to start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })).toThrow(/PLANNING_CURSOR_SECRET/);
  });

  it('when an unsupported trust mode is asked for, then the error says which modes exist', () => {
    expect(() => loadConfig({ PLANNING_TRUST_MODE: 'none' })).toThrow(/PLANNING_TRUST_MODE/);
  });

  it('when the consumer variables are unset, then it takes 100 events at once and applies at most 50 per transaction in 2 lanes; when the group ones are 0, then start-up names both', () => {
    expect(loadConfig({}).events).toMatchObject({ prefetch: 100, groupMax: 50, groupLanes: 2 });
    expect(loadConfig({ EVENTS_GROUP_MAX: '200', EVENTS_GROUP_LANES: '4' }).events).toMatchObject({ groupMax: 200, groupLanes: 4 });
    let error: unknown;
    try {
      loadConfig({ EVENTS_GROUP_MAX: '0', EVENTS_GROUP_LANES: '0' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems.join('\n')).toMatch(/EVENTS_GROUP_MAX[\s\S]*EVENTS_GROUP_LANES/);
  });

  it('when GATEWAY_COMPRESSION_MIN_BYTES is unset answers from 1 KiB on are compressed; 0 turns it off; a negative or non-number names the variable', () => {
    expect(loadConfig({}).gatewayCompressionMinBytes).toBe(1024);
    expect(loadConfig({ GATEWAY_COMPRESSION_MIN_BYTES: '0' }).gatewayCompressionMinBytes).toBe(0);
    expect(loadConfig({ GATEWAY_COMPRESSION_MIN_BYTES: '4096' }).gatewayCompressionMinBytes).toBe(4096);
    expect(() => loadConfig({ GATEWAY_COMPRESSION_MIN_BYTES: '-1' })).toThrow(/GATEWAY_COMPRESSION_MIN_BYTES/);
    expect(() => loadConfig({ GATEWAY_COMPRESSION_MIN_BYTES: 'lots' })).toThrow(/GATEWAY_COMPRESSION_MIN_BYTES/);
  });

  it("when the single-fetch pass-through is unset it is on; 'off' turns it off; anything else names the variable and the choices", () => {
    expect(loadConfig({}).gatewaySingleFetchPassthrough).toBe(true);
    expect(loadConfig({ GATEWAY_SINGLE_FETCH_PASSTHROUGH: 'off' }).gatewaySingleFetchPassthrough).toBe(false);
    expect(() => loadConfig({ GATEWAY_SINGLE_FETCH_PASSTHROUGH: 'false' })).toThrow(/GATEWAY_SINGLE_FETCH_PASSTHROUGH[\s\S]*'on' or 'off'/);
  });

  it("when DATABASE_PREPARED_STATEMENTS is unset prepared list reads are on; 'off' turns them off; anything else names the variable", () => {
    expect(loadConfig({}).databasePreparedStatements).toBe(true);
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).databasePreparedStatements).toBe(false);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(/DATABASE_PREPARED_STATEMENTS[\s\S]*'on' or 'off'/);
  });

  it('when only PORT is set, then the planning subgraph, the comms example and the worker listen on PORT + 1, + 2 and + 3; an explicit one wins; PORT=0 makes them 0 too', () => {
    const ports = (env: Record<string, string>) => {
      const { gatewayPort, planningPort, commsPort, workerPort } = loadConfig(env);
      return [gatewayPort, planningPort, commsPort, workerPort];
    };
    expect(ports({})).toEqual([4000, 4001, 4002, 4003]);
    expect(ports({ PORT: '5100' })).toEqual([5100, 5101, 5102, 5103]);
    expect(ports({ PORT: '5100', PLANNING_PORT: '6001', WORKER_PORT: '0' })).toEqual([5100, 6001, 5102, 0]);
    expect(ports({ PORT: '0' })).toEqual([0, 0, 0, 0]);
    expect(ports({ PORT: '0', COMMS_PORT: '7002' })).toEqual([0, 0, 7002, 0]);
    // An empty variable is an unset one, as for the URLs.
    expect(ports({ PORT: '', PLANNING_PORT: ' ' })).toEqual([4000, 4001, 4002, 4003]);
  });

  it('when a port variable is out of range or not an integer, then one problem per variable names it and quotes the value', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '70000', PLANNING_PORT: '-1', COMMS_PORT: 'abc', WORKER_PORT: '4003.5' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const rule = '(a port is an integer from 0 to 65535, 0 for any free port)';
    expect([...(error as ConfigError).problems].sort()).toEqual([
      `COMMS_PORT: "abc" is not a port ${rule}`,
      `PLANNING_PORT: "-1" is not a port ${rule}`,
      `PORT: "70000" is not a port ${rule}`,
      `WORKER_PORT: "4003.5" is not a port ${rule}`,
    ]);
    expect(() => loadConfig({ PORT: '0x10' })).toThrow('PORT: "0x10" is not a port');
    expect(() => loadConfig({ WORKER_PORT: '65536' })).toThrow('WORKER_PORT: "65536" is not a port');
    expect(loadConfig({ PLANNING_PORT: '65535' }).planningPort).toBe(65535);
  });

  it('when PORT is so high that a derived port would pass 65535, then the problem names each unset variable that must be set', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: '65534' });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).problems).toEqual([
      'COMMS_PORT: unset, so PORT + 2 = 65536, which is not a port; set COMMS_PORT (a port is an integer from 0 to 65535, 0 for any free port)',
      'WORKER_PORT: unset, so PORT + 3 = 65537, which is not a port; set WORKER_PORT (a port is an integer from 0 to 65535, 0 for any free port)',
    ]);
    expect(loadConfig({ PORT: '65534', COMMS_PORT: '0', WORKER_PORT: '0' }).planningPort).toBe(65535);
  });
});
