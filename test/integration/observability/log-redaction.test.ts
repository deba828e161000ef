import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, type CapturedLogs } from '../../testkit/captured-logs.js';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const PASSWORD = 'Corr3ct-horse-battery!';
const WRONG_PASSWORD = 'Wr0ng-staple-guess!';
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

describe('secrets never reach the logs', () => {
  let platform: TestPlatform;
  let logs: CapturedLogs;
  beforeAll(async () => {
    // The most verbose level: request lines then carry the request headers, so redaction has to do the work.
    logs = captureLogs('trace');
    platform = await startTestPlatform({ logger: logs.logger });
    await platform.addUser({ email: 'redact@example.com', password: PASSWORD, orgId: 'org-redact', roles: ['member'] });
  });
  afterAll(async () => platform?.close());

  const login = (password: string) =>
    fetch(`${platform.gateway.origin}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'redact@example.com', password }),
    });

  it('when a user logs in, calls the API with the token and fails a login, then no password, token or Authorization value is in the log output', async () => {
    const loggedIn = await login(PASSWORD);
    expect(loggedIn.status).toBe(200);
    const token = ((await loggedIn.json()) as { access_token: string }).access_token;

    const created = await platform.gql(token, 'mutation CreateSecretly { createTask(input: {title: "redaction"}) { id callbacks { id } } }');
    expect(created.status).toBe(200);
    const rest = await fetch(`${platform.gateway.origin}/api/planning/tasks`, { headers: { authorization: `Bearer ${token}` } });
    expect(rest.status).toBe(200);
    const failed = await login(WRONG_PASSWORD);
    expect(failed.status).toBe(401);

    // The lines that held the secrets were written, with the secrets replaced.
    const graphqlLine = await logs.waitFor((r) => r.component === 'gateway' && r.path === '/graphql' && r.status === 200);
    expect(graphqlLine.headers.authorization).toBe('[redacted]');
    const restLine = await logs.waitFor((r) => r.component === 'gateway' && r.path === '/api/planning/tasks');
    expect(restLine.headers.authorization).toBe('[redacted]');
    const subgraphLine = await logs.waitFor((r) => r.component === 'planning' && r.path === '/graphql' && r.operationName?.startsWith('CreateSecretly'));
    expect(subgraphLine.headers['x-platform-context']).toBe('[redacted]');
    await logs.waitFor((r) => r.component === 'gateway' && r.path === '/auth/login' && r.status === 401, 'the failed login line');
    await logs.waitFor((r) => r.component === 'gateway' && r.path === '/auth/login' && r.status === 200, 'the login line');

    const text = logs.text();
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(WRONG_PASSWORD);
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]!);
    expect(text).not.toMatch(/bearer /i);
    expect(text).not.toMatch(JWT_SHAPE);
  });
});
