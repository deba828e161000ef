import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { AuthUnavailableError } from '../../platform/identity/auth-errors.js';
import type { TokenIssuer } from '../../platform/identity/token-issuer.js';
import { hashPassword, verifyPassword } from '../../modules/users/password.js';
import type { UserRepository } from '../../modules/users/user.repository.js';

export const loginRequestSchema = z.object({
  email: z.string().trim().min(3, 'must be an email address').max(320),
  password: z.string().min(1, 'must not be empty').max(1024),
});

export class InvalidCredentialsError extends Error {
  readonly code = 'INVALID_CREDENTIALS';
}

export class TooManyAttemptsError extends Error {
  readonly code = 'TOO_MANY_ATTEMPTS';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many login attempts; try again later');
  }
}

/**
 * Failed-login budgets per account (15 minutes) and per client IP (1 minute). Only failures count; a success
 * clears the account's count.
 */
export class LoginAttemptLimiter {
  private readonly account: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;

  constructor(options: { perAccount: number; perIp: number; redis?: Redis }) {
    const make = (keyPrefix: string, points: number, duration: number) =>
      options.redis
        ? new RateLimiterRedis({ storeClient: options.redis, keyPrefix, points, duration, rejectIfRedisNotReady: true })
        : new RateLimiterMemory({ keyPrefix, points, duration });
    this.account = make('login:account', options.perAccount, 15 * 60);
    this.ip = make('login:ip', options.perIp, 60);
  }

  async assertAllowed(email: string, ip: string): Promise<void> {
    const checks = await this.guard(() => Promise.all([this.account.get(email.toLowerCase()), this.ip.get(ip)]));
    const limits = [this.account.points, this.ip.points];
    checks.forEach((res, i) => {
      if (res && res.consumedPoints >= limits[i]!) throw new TooManyAttemptsError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    });
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await this.guard(() =>
      Promise.all([this.account.penalty(email.toLowerCase(), 1), this.ip.penalty(ip, 1)]),
    );
  }

  async recordSuccess(email: string): Promise<void> {
    await this.guard(() => this.account.delete(email.toLowerCase()));
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw new AuthUnavailableError(`login limiter unavailable: ${(error as Error).message}`);
    }
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
    await this.attempts.assertAllowed(email, ip);
    const user = await this.users.findByEmail(email);
    const matches = await verifyPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !matches) {
      await this.attempts.recordFailure(email, ip);
      throw new InvalidCredentialsError('Invalid email or password');
    }
    await this.attempts.recordSuccess(email);
    const { token, expiresIn } = await this.tokens.issue({ sub: user.id, orgId: user.orgId, roles: user.roles, ttlSeconds: this.ttlSeconds });
    return { access_token: token, token_type: 'bearer' as const, expires_in: expiresIn };
  }
}
