import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { AuthUnavailableError } from '../../platform/identity/auth-errors.js';
import { PlanningError } from '../../platform/errors/planning-error.js';
import type { TokenIssuer } from '../../platform/identity/token-issuer.js';
import { hashPassword, verifyPassword } from '../../modules/users/password.js';
import type { UserRepository } from '../../modules/users/user.repository.js';

/** Characters no email address holds and PostgreSQL's text refuses (NUL) or cannot store (a lone surrogate). */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const loginRequestSchema = z.object({
  email: z
    .string()
    .trim()
    .min(3, 'must be an email address')
    .max(320, 'must be at most 320 characters')
    .refine((email) => !UNSTORABLE.test(email), 'must not hold NUL characters or lone UTF-16 surrogates'),
  password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});

export class InvalidCredentialsError extends PlanningError {
  readonly code = 'INVALID_CREDENTIALS';
}

export class TooManyAttemptsError extends PlanningError {
  readonly code = 'TOO_MANY_ATTEMPTS';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many login attempts; try again later', { retryAfterSeconds });
  }
}

/** How long an address that logged in to an account stays known to it (exempt from the account-wide budget). */
const KNOWN_ADDRESS_SECONDS = 30 * 24 * 60 * 60;
const ACCOUNT_WINDOW_SECONDS = 15 * 60;

/** One attempt's charges: undone when it was refused, partly given back when it succeeded. */
interface Attempt {
  account: string;
  ip: string;
  charged: Array<{ limiter: RateLimiterAbstract; key: string }>;
}

/**
 * Login attempt budgets, each attempt charged **before** its password is checked (an atomic increment, so a burst of
 * parallel guesses cannot all run before the first is counted):
 * - per account and client address, `perAccount` attempts per 15 minutes: the budget a guesser exhausts, and only for
 *   the address it guesses from, so the owner logging in from elsewhere is not locked out by it;
 * - per client address, `perIp` attempts per minute, whatever the account;
 * - per account from all addresses, `perAccountAllAddresses` per 15 minutes (against guesses spread over many
 *   addresses), which does not apply to an address the account logged in from in the last 30 days.
 * A refused attempt charges nothing. A successful one gives its charges back and clears the account+address count.
 */
export class LoginAttemptLimiter {
  private readonly accountAtAddress: RateLimiterAbstract;
  private readonly address: RateLimiterAbstract;
  private readonly account: RateLimiterAbstract;
  private readonly knownAddresses: KnownAddresses;

  constructor(options: { perAccount: number; perIp: number; perAccountAllAddresses?: number; redis?: Redis }) {
    const make = (keyPrefix: string, points: number, duration: number) =>
      options.redis
        ? new RateLimiterRedis({ storeClient: options.redis, keyPrefix, points, duration, rejectIfRedisNotReady: true })
        : new RateLimiterMemory({ keyPrefix, points, duration });
    this.accountAtAddress = make('login:account-ip', options.perAccount, ACCOUNT_WINDOW_SECONDS);
    this.address = make('login:ip', options.perIp, 60);
    this.account = make('login:account', options.perAccountAllAddresses ?? options.perAccount * 10, ACCOUNT_WINDOW_SECONDS);
    this.knownAddresses = options.redis ? new RedisKnownAddresses(options.redis) : new InProcessKnownAddresses();
  }

  /** Charges one attempt to every budget it counts against; throws {@link TooManyAttemptsError} (charging nothing) when one is spent. */
  async begin(email: string, ip: string): Promise<Attempt> {
    const account = email.toLowerCase();
    return this.guard(async () => {
      const known = await this.knownAddresses.has(account, ip);
      const budgets = [
        { limiter: this.accountAtAddress, key: `${account}|${ip}` },
        { limiter: this.address, key: ip },
        ...(known ? [] : [{ limiter: this.account, key: account }]),
      ];
      const outcomes = await Promise.allSettled(budgets.map(({ limiter, key }) => limiter.consume(key, 1)));
      const refusal = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (!refusal) return { account, ip, charged: budgets };
      // The store counted every charge, refused ones included: all are given back, as the attempt never runs.
      await Promise.all(budgets.map(({ limiter, key }) => limiter.reward(key, 1)));
      if (refusal.reason instanceof RateLimiterRes) throw new TooManyAttemptsError(Math.max(1, Math.ceil(refusal.reason.msBeforeNext / 1000)));
      throw refusal.reason;
    });
  }

  /** The password matched: the attempt is given back, the account+address count cleared, the address known. */
  async succeeded(attempt: Attempt): Promise<void> {
    await this.guard(async () => {
      await Promise.all([
        this.accountAtAddress.delete(`${attempt.account}|${attempt.ip}`),
        ...attempt.charged.filter(({ limiter }) => limiter !== this.accountAtAddress).map(({ limiter, key }) => limiter.reward(key, 1)),
        this.knownAddresses.add(attempt.account, attempt.ip),
      ]);
    });
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof TooManyAttemptsError) throw error;
      throw new AuthUnavailableError(`login limiter unavailable: ${(error as Error).message}`);
    }
  }
}

/** Addresses each account logged in from lately. */
interface KnownAddresses {
  has(account: string, ip: string): Promise<boolean>;
  add(account: string, ip: string): Promise<void>;
}

class RedisKnownAddresses implements KnownAddresses {
  constructor(private readonly redis: Redis) {}

  async has(account: string, ip: string): Promise<boolean> {
    return (await this.redis.exists(`login:known:${account}|${ip}`)) === 1;
  }

  async add(account: string, ip: string): Promise<void> {
    await this.redis.set(`login:known:${account}|${ip}`, '1', 'EX', KNOWN_ADDRESS_SECONDS);
  }
}

class InProcessKnownAddresses implements KnownAddresses {
  private readonly known = new LRUCache<string, true>({ max: 100_000, ttl: KNOWN_ADDRESS_SECONDS * 1000 });

  async has(account: string, ip: string): Promise<boolean> {
    return this.known.has(`${account}|${ip}`);
  }

  async add(account: string, ip: string): Promise<void> {
    this.known.set(`${account}|${ip}`, true);
  }
}

/**
 * `POST /auth/login`: the same answer, and the same work (one scrypt verification), for an unknown email and a
 * wrong password, so neither the body nor the timing tells them apart.
 */
export class LoginService {
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: TokenIssuer,
    private readonly attempts: LoginAttemptLimiter,
    private readonly ttlSeconds: number,
  ) {
    this.dummyHash = hashPassword('not-a-real-password-just-equal-timing');
  }

  async login(email: string, password: string, ip: string) {
    const attempt = await this.attempts.begin(email, ip);
    const user = await this.users.findByEmail(email);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !matches) throw new InvalidCredentialsError('Invalid email or password');
    await this.attempts.succeeded(attempt);
    const { token, expiresIn } = await this.tokens.issue({ sub: user.id, orgId: user.orgId, roles: user.roles, ttlSeconds: this.ttlSeconds });
    return { access_token: token, token_type: 'bearer' as const, expires_in: expiresIn };
  }
}
