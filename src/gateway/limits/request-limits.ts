import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AuthUnavailableError } from '../../platform/identity/auth-errors.js';

const WINDOW_SECONDS = 60;

interface Budget {
  name: 'user' | 'ip';
  points: number;
  limiter: RateLimiterAbstract;
}

export type LimitDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterSeconds: number; budget: 'user' | 'ip'; headers: Record<string, string> };

/**
 * Per-user and per-client-IP request budgets in cost units per minute (rate-limiter-flexible, on Redis so every
 * gateway replica shares them, or in process without Redis). A budget of 0 is off. Answers carry
 * `RateLimit-Policy` and `RateLimit` headers (IETF httpapi-ratelimit-headers draft) for the tightest budget.
 */
export class RequestLimits {
  private readonly budgets: Budget[];

  constructor(options: { perUser: number; perIp: number; redis?: Redis; keyPrefix?: string }) {
    const make = (name: 'user' | 'ip', points: number): Budget | undefined => {
      if (points <= 0) return undefined;
      const common = { points, duration: WINDOW_SECONDS, keyPrefix: `${options.keyPrefix ?? 'rl'}:${name}` };
      const limiter = options.redis
        ? new RateLimiterRedis({ ...common, storeClient: options.redis, rejectIfRedisNotReady: true })
        : new RateLimiterMemory(common);
      return { name, points, limiter };
    };
    this.budgets = [make('user', options.perUser), make('ip', options.perIp)].filter((b): b is Budget => !!b);
  }

  get policyHeader(): string {
    return this.budgets.map((b) => `"${b.name}";q=${b.points};w=${WINDOW_SECONDS}`).join(', ');
  }

  /** Charges `cost` to each budget; refuses when any is exhausted. Store failure -> {@link AuthUnavailableError}. */
  async consume(keys: { user?: string; ip: string }, cost: number): Promise<LimitDecision> {
    // Both budgets are charged whatever the other says (a refused request still counts), so they go out together.
    const charged = this.budgets.map(async (budget) => {
      const key = budget.name === 'user' ? keys.user : keys.ip;
      if (!key) return undefined;
      try {
        return { budget, res: await budget.limiter.consume(key, cost), allowed: true };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { budget, res: rejection, allowed: false };
        throw new AuthUnavailableError(`rate-limit store unavailable: ${(rejection as Error).message}`);
      }
    });
    const states = (await Promise.all(charged)).filter((state) => state !== undefined);
    const headers: Record<string, string> = {};
    if (states.length > 0) {
      headers['ratelimit-policy'] = this.policyHeader;
      const tightest = states.reduce((a, b) => (Math.max(0, b.res.remainingPoints) < Math.max(0, a.res.remainingPoints) ? b : a));
      headers.ratelimit = `"${tightest.budget.name}";r=${Math.max(0, tightest.res.remainingPoints)};t=${Math.ceil(tightest.res.msBeforeNext / 1000)}`;
    }
    const refused = states.find((s) => !s.allowed);
    if (!refused) return { allowed: true, headers };
    const retryAfterSeconds = Math.max(1, Math.ceil(refused.res.msBeforeNext / 1000));
    return { allowed: false, retryAfterSeconds, budget: refused.budget.name, headers: { ...headers, 'retry-after': String(retryAfterSeconds) } };
  }

  /** Clears a key's usage (after a successful login, say). */
  async reset(name: 'user' | 'ip', key: string): Promise<void> {
    await this.budgets.find((b) => b.name === name)?.limiter.delete(key);
  }
}
