import { loadConfig } from '../src/config/config.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: Array<string | number | { target?: number; published?: number | string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  depends_on?: string[] | Record<string, { condition?: string }>;
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8')) as {
  services: Record<string, ComposeService>;
};
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

  it('when planning is read, then it gets every service URL and publishes 4001 with a /health check on it', () => {
    const planning = service('planning');
    const env = environmentOf(planning);

    expect(env.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.+@postgres:5432\//);
    expect(env.REDIS_URL).toBe('redis://redis:6379');
    expect(env.RABBITMQ_URL).toMatch(/^amqp:\/\/.+@rabbitmq:5672/);
    expect(String(env.PLANNING_PORT)).toBe('4001');
    expect(portStrings(planning).some((p) => /(^|:)4001:4001$/.test(p))).toBe(true);
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
    expect(portStrings(gateway)).toContain('4000:4000');
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
    expect(JSON.stringify(comms.command)).toContain('src/examples/comms/main.ts');
    expect(portStrings(comms)).toContain('4002:4002');
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

  it('when it is read, then it declares a HEALTHCHECK', () => {
    expect(instructions.some((line) => /^HEALTHCHECK\s+(?!NONE)/i.test(line))).toBe(true);
  });
});
