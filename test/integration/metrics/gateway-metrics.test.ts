import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../../src/platform/metrics/metrics-registry.js';
import { scrape } from '../../testkit/metrics-scrape.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

describe('gateway metrics', () => {
  let platform: TestPlatform;
  let metricsUrl: string;
  beforeAll(async () => {
    platform = await startTestPlatform({ metrics: { gateway: createMetricsRegistry('gateway') }, rateLimits: { perUser: 5, perIp: 0 } });
    metricsUrl = `${platform.gateway.origin}/metrics`;
  });
  afterAll(async () => platform?.close());

  it('when requests come without a token and with a malformed one, then the authentication failure counter moves by one per reason', async () => {
    const before = await scrape(metricsUrl);
    expect((await platform.gql(null, '{ __typename }')).status).toBe(401);
    expect((await platform.gql('not-a-jwt', '{ __typename }')).status).toBe(401);
    expect((await platform.gql('not-a-jwt', '{ __typename }')).status).toBe(401);

    const after = await scrape(metricsUrl);
    const delta = (reason: string) =>
      after.value('gateway_authentication_failures_total', { reason }) - before.value('gateway_authentication_failures_total', { reason });
    expect(delta('missing_token')).toBe(1);
    expect(delta('malformed_token')).toBe(2);
    expect(after.value('http_request_duration_seconds_count', { route: '/graphql', status: '401' }) - before.value('http_request_duration_seconds_count', { route: '/graphql', status: '401' })).toBe(3);
  });

  it('when a user goes over the budget, then the rate-limit rejection counter moves by the number of 429 answers', async () => {
    const token = await platform.mintToken();
    const before = await scrape(metricsUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await platform.gql(token, '{ __typename }')).status);
    const refused = statuses.filter((s) => s === 429).length;
    expect(refused).toBeGreaterThan(0);

    const after = await scrape(metricsUrl);
    expect(after.value('gateway_rate_limit_rejections_total', { budget: 'user' }) - before.value('gateway_rate_limit_rejections_total', { budget: 'user' })).toBe(refused);
    expect(after.value('gateway_rate_limit_rejections_total', { budget: 'ip' }) - before.value('gateway_rate_limit_rejections_total', { budget: 'ip' })).toBe(0);
  });

  it('when a REST route with an id is called, then the request is labelled with the route template, never the raw path', async () => {
    const id = randomUUID();
    const token = await platform.mintToken();
    const response = await fetch(`${platform.gateway.origin}/api/planning/tasks/${id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(404);

    const after = await scrape(metricsUrl);
    expect(after.value('http_request_duration_seconds_count', { route: '/api/planning/tasks/{id}', method: 'GET', status: '404' })).toBe(1);
    expect(after.text).not.toContain(id);
    expect(after.labelSets('gateway_authentication_failures_total').every((labels) => labels.role === 'gateway')).toBe(true);
  });
});

describe('who may read the gateway metrics on its public port', () => {
  const started: TestPlatform[] = [];
  afterAll(async () => {
    for (const platform of started) await platform.close();
  });
  const platformWith = async (gatewayAccess: 'off' | { token: string }) => {
    const platform = await startTestPlatform({ metrics: { gateway: createMetricsRegistry('gateway'), gatewayAccess } });
    started.push(platform);
    return `${platform.gateway.origin}/metrics`;
  };

  it('when a scrape token is configured, then /metrics answers 401 without it or with another, and the metrics with it', async () => {
    const url = await platformWith({ token: 'scrape-token-0123456789' });
    const none = await fetch(url);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('gateway_');
    expect((await fetch(url, { headers: { authorization: 'Bearer scrape-token-0123456788' } })).status).toBe(401);
    const allowed = await fetch(url, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('http_request_duration_seconds');
  });

  it('when metrics are off on the public port (production without a token), then /metrics answers 404', async () => {
    const url = await platformWith('off');
    const answer = await fetch(url);
    expect(answer.status).toBe(404);
    expect(await answer.text()).not.toContain('http_request_duration_seconds');
  });
});
