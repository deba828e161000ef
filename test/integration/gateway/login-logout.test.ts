import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../testkit/platform-app.js';

const CLOCK_TOLERANCE_SECONDS = 30;
const COUNT_TASKS = '{ tasks { totalCount } }';

describe('login and logout', () => {
  let platform: TestPlatform;
  const alice = { email: 'alice@example.com', password: 'correct horse battery staple', orgId: 'org-login', roles: ['member' as const] };

  const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${platform.gateway.origin}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const login = (email: string, password: string) => postJson('/auth/login', JSON.stringify({ email, password }));
  const logout = (authorization?: string) =>
    fetch(`${platform.gateway.origin}/auth/logout`, { method: 'POST', headers: authorization === undefined ? {} : { authorization } });
  const loginAsAlice = async (): Promise<string> => {
    const response = await login(alice.email, alice.password);
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    platform = await startTestPlatform();
    await platform.addUser(alice);
  });
  afterAll(async () => platform?.close());

  it('when the credentials are right, then login answers a 15-minute bearer token that works on /graphql', async () => {
    const response = await login(alice.email, alice.password);
    const body = await response.json();

    expect(response.status).toBe(200);
    expect(body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 900 });
    const claims = decodeJwt(body.access_token);
    expect(claims.org_id).toBe('org-login');
    expect(claims.exp! - claims.iat!).toBe(900);
    const used = await platform.gql(body.access_token, 'mutation { createTask(input: {title: "After login"}) { owner { id } } }');
    expect(used.status).toBe(200);
    expect(used.body.data.createTask.owner).toEqual({ id: claims.sub });
  });

  it('when the password is wrong or the email unknown, then both answer the same 401', async () => {
    const wrongPassword = await login(alice.email, 'not the password');
    const unknownEmail = await login('nobody@example.com', 'not the password');

    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const [a, b] = [await wrongPassword.text(), await unknownEmail.text()];
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({ detail: expect.any(String) });
    expect(wrongPassword.headers.get('www-authenticate')).toBe(unknownEmail.headers.get('www-authenticate'));
    expect(wrongPassword.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
  });

  it.each([
    { name: 'the password is missing', body: JSON.stringify({ email: alice.email }), contentType: 'application/json', loc: 'password' },
    { name: 'the email is missing', body: JSON.stringify({ password: alice.password }), contentType: 'application/json', loc: 'email' },
    { name: 'the body is empty', body: '', contentType: 'application/json', loc: undefined },
    { name: 'the JSON body is malformed', body: '{"email": "alice@example.com", "password":', contentType: 'application/json', loc: undefined },
  ])('when $name, then login answers 422 with the validation detail', async ({ body, contentType, loc }) => {
    const response = await postJson('/auth/login', body, { 'content-type': contentType });
    const answer = await response.json();

    expect(response.status).toBe(422);
    expect(answer.detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc: expect.any(Array), msg: expect.any(String), type: expect.any(String) })]));
    if (loc) expect(answer.detail.map((d: { loc: string[] }) => d.loc.at(-1))).toContain(loc);
  });

  it('when the body is a form instead of JSON, then login answers 415 as the REST shim does', async () => {
    const response = await postJson('/auth/login', 'email=alice@example.com&password=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ detail: 'Content-Type must be application/json' });
  });

  it('when a user logs out, then logout answers 200 and the same token is refused afterwards as revoked', async () => {
    const token = await loginAsAlice();
    expect((await platform.gql(token, COUNT_TASKS)).status).toBe(200);

    const response = await logout(`Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true });

    const after = await platform.gql(token, COUNT_TASKS);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(after.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'revoked' });
    const again = await logout(`Bearer ${token}`);
    expect(again.status).toBe(401);
  });

  it('when one token is logged out, then another token of the same user keeps working', async () => {
    const [first, second] = [await loginAsAlice(), await loginAsAlice()];
    expect((await logout(`Bearer ${first}`)).status).toBe(200);

    expect((await platform.gql(second, COUNT_TASKS)).status).toBe(200);
  });

  it.each([
    { name: 'no token', authorization: undefined, reason: 'missing_token' },
    { name: 'a garbage token', authorization: 'Bearer not.a.token', reason: 'malformed_token' },
    { name: 'a Basic credential', authorization: 'Basic YWxpY2U6eA==', reason: 'malformed_token' },
  ])('when logout is called with $name, then it answers 401 Bearer in the {detail} shape login answers', async ({ authorization, reason }) => {
    const response = await logout(authorization);
    const body = await response.json();

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(body).toEqual({ detail: expect.any(String), reason });
  });

  it.runIf(!!process.env.REDIS_URL)(
    'when a token is logged out on Redis, then its jti is denied until its expiry plus the clock tolerance',
    async () => {
      const token = await loginAsAlice();
      const { jti, exp } = decodeJwt(token);
      const remainingBefore = exp! - Math.floor(Date.now() / 1000);

      expect((await logout(`Bearer ${token}`)).status).toBe(200);

      const ttl = await platform.redis!.ttl(`revoked:${jti}`);
      const remainingAfter = exp! - Math.floor(Date.now() / 1000);
      expect(ttl).toBeGreaterThanOrEqual(remainingAfter);
      expect(ttl).toBeLessThanOrEqual(remainingBefore + CLOCK_TOLERANCE_SECONDS);
      expect(ttl).toBeGreaterThan(remainingAfter + CLOCK_TOLERANCE_SECONDS - 5);
    },
  );
});
