import { loadConfig } from '../src/config/config.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NODE_FLAGS } from '../bench/roles.js';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: Array<string | number | { target?: number; published?: number | string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: string[];
  container_name?: string;
  restart?: string;
}

// Merge keys on: the services take what every replica shares from one `x-replica-shared` block.
const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const edgeConf = readFileSync(new URL('../docker/edge-nginx.conf', import.meta.url), 'utf8');
const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
const services = compose.services;

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** Major version of an image tag such as `postgres:16` or `rabbitmq:4-management`. */
function imageMajor(image: string | undefined): number {
  const match = /:(\d+)/.exec(image ?? '');
  return match ? Number(match[1]) : Number.NaN;
}

function environmentOf(svc: ComposeService): Record<string, string> {
  const env = svc.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(env.map((entry) => [entry.split('=')[0], entry.split('=').slice(1).join('=')]));
}

function portStrings(svc: ComposeService): string[] {
  return (svc.ports ?? []).map((port) => (typeof port === 'object' ? `${port.published}:${port.target}` : String(port)));
}

describe('docker-compose.yml', () => {
  it('when any long-running service is read, then it has an image or a build and a healthcheck', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect(svc.image ?? svc.build, `${name} image/build`).toBeTruthy();
      if ((svc as { restart?: string }).restart === 'no') continue; // one-shot jobs (key generation) finish instead
      expect(svc.healthcheck?.test, `${name} healthcheck`).toBeTruthy();
      expect(svc.healthcheck?.disable, `${name} healthcheck disabled`).not.toBe(true);
    }
  });

  it('when the infrastructure images are read, then they are postgres >= 15, redis 7 and rabbitmq 3/4 with management', () => {
    expect(service('postgres').image).toMatch(/^postgres:/);
    expect(imageMajor(service('postgres').image)).toBeGreaterThanOrEqual(15);
    expect(service('redis').image).toMatch(/^redis:7(\b|$)/);
    expect(service('rabbitmq').image).toMatch(/^rabbitmq:[34]-management$/);
    expect(portStrings(service('rabbitmq'))).toEqual(expect.arrayContaining(['5672:5672', '15672:15672']));
  });

  it('when planning is read, then it waits for healthy postgres, redis and rabbitmq', () => {
    const dependsOn = service('planning').depends_on;

    expect(dependsOn).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      rabbitmq: { condition: 'service_healthy' },
    });
  });

  it('when planning is read, then it gets every service URL and listens on 4001 with a /health check on it', () => {
    const planning = service('planning');
    const env = environmentOf(planning);

    expect(env.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.+@postgres:5432\//);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.RABBITMQ_URL).toMatch(/^amqp:\/\/.+@rabbitmq:5672/);
    expect(String(env.PLANNING_PORT)).toBe('4001');
    expect(JSON.stringify(planning.healthcheck?.test)).toContain('http://localhost:4001/health');
  });

  it('when planning runs with its compose environment in the production image, then the config loader accepts it and listens beyond loopback', () => {
    const env: Record<string, string> = { NODE_ENV: 'production', ...environmentOf(service('planning')) };
    const config = loadConfig(env);
    expect(config.planningHost).toBe('0.0.0.0');
    expect(config.databaseUrl).toBe(env.DATABASE_URL);
  });

  it('when the gateway is read, then it serves 4000 with its key from the one-shot keys job and routes to the subgraphs by service name', () => {
    const gateway = service('gateway');
    const env = environmentOf(gateway);
    expect(String(env.PORT)).toBe('4000');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.SUBGRAPH_PLANNING_URL).toBe('http://planning:4001/graphql');
    const config = loadConfig({ NODE_ENV: 'production', ...env });
    expect(config.auth.privateKeyFile).toBe('/app/.data/gateway-ed25519.pem');
    expect(config.gatewayHost).toBe('0.0.0.0');
    const keys = service('keys');
    expect(JSON.stringify(keys.command)).toContain('/app/.data/gateway-ed25519.pem');
    expect((gateway.depends_on as Record<string, { condition: string }>).keys?.condition).toBe('service_completed_successfully');
    const planning = loadConfig({ NODE_ENV: 'production', ...environmentOf(service('planning')) });
    expect(planning.trustMode).toBe('signed');
    expect(planning.contextJwksUrl).toBe('http://gateway:4000/.well-known/jwks.json');
  });

  it('when worker is read, then it runs the worker role on PostgreSQL and RabbitMQ after they are healthy', () => {
    const worker = service('worker');
    expect(JSON.stringify(worker.command)).toContain('worker');
    const env = environmentOf(worker);
    expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(env.RABBITMQ_URL).toMatch(/@rabbitmq:5672/);
    expect(loadConfig({ NODE_ENV: 'production', ...env }).rabbitmqUrl).toBe(env.RABBITMQ_URL);
    const dependsOn = worker.depends_on as Record<string, { condition: string }>;
    expect(dependsOn.postgres?.condition).toBe('service_healthy');
    expect(dependsOn.rabbitmq?.condition).toBe('service_healthy');
    expect(JSON.stringify(worker.healthcheck?.test)).toContain('http://localhost:4003/health');
    expect(loadConfig({ NODE_ENV: 'production', ...env }).workerPort).toBe(4003);
  });

  it('when comms-example is read, then it runs the example subgraph on 4002', () => {
    const comms = service('comms-example');

    expect(comms.build).toBeTruthy();
    expect(JSON.stringify(comms.command)).toContain('dist/examples/comms/main.js');
    expect(String(environmentOf(comms).COMMS_PORT)).toBe('4002');
  });
});

/** The services built from this repository that run until stopped: each one can run as several replicas. */
const scalable = Object.entries(services).filter(([, svc]) => svc.build && svc.restart !== 'no');

/** Every `scheme://[user@]host[:port]` in a service's environment, with the service it appears in. */
const urlsInEnvironments = Object.entries(services).flatMap(([name, svc]) =>
  Object.entries(environmentOf(svc)).flatMap(([variable, value]) => {
    const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?([^:/]+)(?::(\d+))?/.exec(String(value));
    return match ? [{ service: name, variable, host: match[1]!, port: match[2] }] : [];
  }),
);

/** The port a service of ours listens on inside its container, as its own environment says. */
function listenPortOf(name: string): number {
  // The example reads COMMS_PORT itself (src/examples/comms/main.ts), outside the roles' configuration.
  if (name === 'comms-example') return Number(environmentOf(service(name)).COMMS_PORT);
  const config = loadConfig({ NODE_ENV: 'production', ...environmentOf(service(name)) });
  if (name === 'gateway') return config.gatewayPort;
  if (name === 'planning') return config.planningPort;
  if (name === 'worker') return config.workerPort;
  throw new Error(`no listen port known for ${name}`);
}

describe('docker-compose.yml scaled (docker compose up --scale planning=2 --scale gateway=2 --scale worker=2)', () => {
  it('when the services that can be scaled are read, then planning, gateway and worker are among them, and none publishes a fixed host port or names its container', () => {
    expect(scalable.map(([name]) => name)).toEqual(expect.arrayContaining(['planning', 'gateway', 'worker']));
    for (const [name, svc] of scalable) {
      // A fixed host port (`4000:4000`, `127.0.0.1:4000:4000`, `published: 4000`) can be bound by one replica only.
      const fixed = (svc.ports ?? []).filter((port) => (typeof port === 'object' ? port.published !== undefined : String(port).includes(':')));
      expect(fixed, `${name} publishes a fixed host port`).toEqual([]);
      expect(svc.container_name, `${name} names its container`).toBeUndefined();
    }
  });

  it('when the host ports are read, then the edge publishes the API on 4000 and no two services publish the same host port', () => {
    expect(portStrings(service('edge'))).toEqual(['4000:4000']);
    const published = Object.values(services).flatMap((svc) => portStrings(svc).map((port) => port.split(':').at(-2)));
    expect(new Set(published).size).toBe(published.length);
  });

  it('when a URL in any environment names a host, then it is a service of the stack, on the port that service listens on', () => {
    expect(urlsInEnvironments.length).toBeGreaterThan(0);
    for (const { service: from, variable, host, port } of urlsInEnvironments) {
      expect(Object.keys(services), `${from}.${variable} names ${host}`).toContain(host);
      if (port && scalable.some(([name]) => name === host)) expect(Number(port), `${from}.${variable}`).toBe(listenPortOf(host));
    }
    // The gateways reach the planning replicas, and the planning replicas the gateways' keys, through service names.
    expect(environmentOf(service('gateway')).SUBGRAPH_PLANNING_URL).toBe(`http://planning:${listenPortOf('planning')}/graphql`);
    expect(environmentOf(service('planning')).PLANNING_CONTEXT_JWKS_URL).toBe(`http://gateway:${listenPortOf('gateway')}/.well-known/jwks.json`);
  });

  it('when the edge is read, then it proxies to the gateway service, resolving the name at run time so that every replica gets requests', () => {
    const edge = service('edge');
    expect(edge.volumes).toContain('./docker/edge-nginx.conf:/etc/nginx/conf.d/default.conf:ro');
    expect((edge.depends_on as Record<string, { condition: string }>).gateway?.condition).toBe('service_healthy');
    // Docker's embedded DNS, asked again every few seconds; a variable in proxy_pass makes nginx use it per request.
    expect(edgeConf).toMatch(/^\s*resolver 127\.0\.0\.11 valid=\d+s/m);
    expect(edgeConf).toMatch(/^\s*listen 4000;/m);
    const target = /^\s*set \$gateway (\S+);/m.exec(edgeConf)?.[1];
    expect(target).toBe(`http://gateway:${listenPortOf('gateway')}`);
    expect(edgeConf).toMatch(/^\s*proxy_pass \$gateway;/m);
  });

  it('when every replica of every role loads its configuration, then what replicas must share is the same for all of them', () => {
    const roles = ['planning', 'gateway', 'worker'].map((name) => ({ name, env: environmentOf(service(name)), config: loadConfig({ NODE_ENV: 'production', ...environmentOf(service(name)) }) }));
    const sameEverywhere = (what: string, value: (config: (typeof roles)[number]['config']) => unknown) =>
      expect(new Set(roles.map((role) => JSON.stringify(value(role.config)))).size, what).toBe(1);
    sameEverywhere('DATABASE_URL', (c) => c.databaseUrl);
    sameEverywhere('REDIS_URL', (c) => c.redisUrl);
    sameEverywhere('REDIS_KEY_PREFIX', (c) => c.redisKeyPrefix);
    sameEverywhere('PLANNING_CURSOR_SECRET', (c) => c.cursorSecret);
    sameEverywhere('AUTH_ISSUER and AUTH_AUDIENCE', (c) => [c.auth.issuer, c.auth.audience]);
    // Set explicitly on each (the production default would refuse to start), not left to a default that may differ.
    for (const role of roles) expect(role.env.PLANNING_CURSOR_SECRET, `${role.name} PLANNING_CURSOR_SECRET`).toBeTruthy();
    for (const role of roles) expect(role.env.REDIS_KEY_PREFIX, `${role.name} REDIS_KEY_PREFIX`).toBeTruthy();
    // The event topology of the roles on RabbitMQ.
    const onBus = roles.filter((role) => role.config.rabbitmqUrl);
    expect(onBus.map((role) => role.name)).toEqual(expect.arrayContaining(['worker']));
    expect(new Set(onBus.map((role) => JSON.stringify([role.config.rabbitmqUrl, role.config.events.topology]))).size).toBe(1);
    // One signing key for every gateway replica: a file in a named volume they all mount, written once by the keys job.
    const keyFile = roles.find((role) => role.name === 'gateway')!.config.auth.privateKeyFile!;
    const keyVolume = service('gateway').volumes?.find((volume) => keyFile.startsWith(`${volume.split(':')[1]}/`));
    expect(keyVolume?.split(':')[0]).toBe('gateway-keys');
    expect(service('keys').volumes).toContain(keyVolume);
    expect(JSON.stringify(service('keys').command)).toContain('--if-missing');
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));

  it('when its stages are counted, then there are at least two FROM stages', () => {
    expect(instructions.filter((line) => /^FROM\s/i.test(line)).length).toBeGreaterThanOrEqual(2);
  });

  it('when its final user is read, then it is not root', () => {
    const users = instructions.filter((line) => /^USER\s/i.test(line)).map((line) => line.split(/\s+/)[1]);

    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('when its entrypoint is read, then it is node with the flags npm start runs the built CLI with', () => {
    // NODE_FLAGS are read from npm start's script (bench/roles.ts throws when it does not run node [flags] dist/main/cli.js start).
    const entrypoint = instructions.find((line) => /^ENTRYPOINT\s/.test(line));

    expect(NODE_FLAGS.length, 'npm start runs node [flags] dist/main/cli.js start').toBeGreaterThan(0);
    expect(JSON.parse(entrypoint!.replace(/^ENTRYPOINT\s+/, ''))).toEqual(['node', ...NODE_FLAGS]);
    expect(instructions.at(-1)).toBe('CMD ["dist/main/cli.js", "subgraph"]');
  });

  it('when the services\' commands are read, then each names a built script the entrypoint runs', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (!svc.build) continue;
      expect((svc.command as string[])[0], name).toMatch(/^dist\/.+\.js$/);
    }
  });

  it('when it is read, then it declares a HEALTHCHECK', () => {
    expect(instructions.some((line) => /^HEALTHCHECK\s+(?!NONE)/i.test(line))).toBe(true);
  });
});
