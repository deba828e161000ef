import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AuthUnavailableError } from '../../platform/identity/auth-errors.js';
import { RedisRevocationStore, revokedKey, type RevocationStore } from '../auth/revocation-store.js';

const WINDOW_SECONDS = 60;

interface Budget {
  name: 'user' | 'ip';
  points: number;
  limiter: RateLimiterAbstract;
  /** The budget's keys are `${keyPrefix}:${key}` (rate-limiter-flexible's own naming). */
  keyPrefix: string;
}

export type LimitDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterSeconds: number; budget: 'user' | 'ip'; headers: Record<string, string> };

/** {@link RequestLimits.admit}: a revoked token is charged nothing; otherwise the budgets' decision. */
export type AdmissionDecision = { revoked: true } | (LimitDecision & { revoked: false });

/**
 * The revocation check and the budgets' charges as one Lua script, so an admitted request costs one Redis round
 * trip instead of two in a row (the check, then the charges). A revoked token (`KEYS[1]` exists) is answered at once
 * and charged nothing; otherwise each budget key (`KEYS[2..]`) is charged `ARGV[1]` points in a window of `ARGV[2]`
 * seconds by exactly the steps of rate-limiter-flexible's own script (same keys, same values), so budgets charged here
 * and by the library (login, reset, older replicas during a rolling deploy) are one and the same. Its keys may lie in
 * different hash slots: for a standalone Redis (or one primary), not Redis Cluster.
 */
const ADMIT_SCRIPT = `
if redis.call('exists', KEYS[1]) == 1 then return {1} end
local answer = {0}
for i = 2, #KEYS do
  redis.call('set', KEYS[i], 0, 'EX', ARGV[2], 'NX')
  local consumed = redis.call('incrby', KEYS[i], ARGV[1])
  local ttl = redis.call('pttl', KEYS[i])
  if ttl == -1 then
    redis.call('expire', KEYS[i], ARGV[2])
    ttl = 1000 * ARGV[2]
  end
  answer[#answer + 1] = consumed
  answer[#answer + 1] = ttl
end
return answer`;

type AdmitCommand = (numberOfKeys: number, ...keysThenArgs: string[]) => Promise<number[]>;

interface BudgetState {
  budget: Budget;
  res: { remainingPoints: number; msBeforeNext: number };
  allowed: boolean;
}

/**
 * Per-user and per-client-IP request budgets in cost units per minute (rate-limiter-flexible, on Redis so every
 * gateway replica shares them, or in process without Redis). A budget of 0 is off. Answers carry
 * `RateLimit-Policy` and `RateLimit` headers (IETF httpapi-ratelimit-headers draft) for the tightest budget.
 */
export class RequestLimits {
  private readonly budgets: Budget[];
  private readonly redis: Redis | undefined;
  private readonly admitCommand: AdmitCommand | undefined;

  constructor(options: { perUser: number; perIp: number; redis?: Redis; keyPrefix?: string }) {
    const make = (name: 'user' | 'ip', points: number): Budget | undefined => {
      if (points <= 0) return undefined;
      const common = { points, duration: WINDOW_SECONDS, keyPrefix: `${options.keyPrefix ?? 'rl'}:${name}` };
      const limiter = options.redis
        ? new RateLimiterRedis({ ...common, storeClient: options.redis, rejectIfRedisNotReady: true })
        : new RateLimiterMemory(common);
      return { name, points, limiter, keyPrefix: common.keyPrefix };
    };
    this.budgets = [make('user', options.perUser), make('ip', options.perIp)].filter((b): b is Budget => !!b);
    this.redis = options.redis;
    if (options.redis) {
      // ioredis sends it as EVALSHA (EVAL the first time on a connection) and prefixes its keys like any command's.
      options.redis.defineCommand('focusKralikiAdmit', { lua: ADMIT_SCRIPT });
      const command = (options.redis as unknown as Record<string, AdmitCommand>).focusKralikiAdmit!;
      this.admitCommand = command.bind(options.redis);
    }
  }

  get policyHeader(): string {
    return this.budgets.map((b) => `"${b.name}";q=${b.points};w=${WINDOW_SECONDS}`).join(', ');
  }

  /**
   * Checks that the token `tokenId` is not revoked and, only then, charges `cost` to each budget. With the revocation
   * store on this limiter's Redis client this is one round trip (one script); otherwise the store is asked first.
   * Store failure -> {@link AuthUnavailableError}.
   */
  async admit(tokenId: string, revocations: RevocationStore, keys: { user?: string; ip: string }, cost: number): Promise<AdmissionDecision> {
    if (!this.admitCommand || !(revocations instanceof RedisRevocationStore) || revocations.redis !== this.redis) {
      if (await revocations.isRevoked(tokenId)) return { revoked: true };
      return { ...(await this.consume(keys, cost)), revoked: false };
    }
    if (!Number.isInteger(cost) || cost < 1) throw new Error(`A request's cost must be a positive integer, got ${cost}`);
    const charged = this.charged(keys);
    let answer: number[];
    try {
      answer = await this.admitCommand(1 + charged.length, revokedKey(tokenId), ...charged.map(({ budget, key }) => `${budget.keyPrefix}:${key}`), String(cost), String(WINDOW_SECONDS));
    } catch (error) {
      throw new AuthUnavailableError(`revocation and rate-limit store unavailable: ${(error as Error).message}`);
    }
    if (answer[0] === 1) return { revoked: true };
    const states = charged.map(({ budget }, i): BudgetState => {
      const consumed = Number(answer[1 + 2 * i]);
      return { budget, res: { remainingPoints: Math.max(budget.points - consumed, 0), msBeforeNext: Number(answer[2 + 2 * i]) }, allowed: consumed <= budget.points };
    });
    return { ...this.decide(states), revoked: false };
  }

  /** Charges `cost` to each budget; refuses when any is exhausted. Store failure -> {@link AuthUnavailableError}. */
  async consume(keys: { user?: string; ip: string }, cost: number): Promise<LimitDecision> {
    // Both budgets are charged whatever the other says (a refused request still counts), so they go out together.
    const states = await Promise.all(
      this.charged(keys).map(async ({ budget, key }): Promise<BudgetState> => {
        try {
          return { budget, res: await budget.limiter.consume(key, cost), allowed: true };
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) return { budget, res: rejection, allowed: false };
          throw new AuthUnavailableError(`rate-limit store unavailable: ${(rejection as Error).message}`);
        }
      }),
    );
    return this.decide(states);
  }

  /** The budgets a request with these keys is charged to (a request without a user has no user budget). */
  private charged(keys: { user?: string; ip: string }): { budget: Budget; key: string }[] {
    return this.budgets.flatMap((budget) => {
      const key = budget.name === 'user' ? keys.user : keys.ip;
      return key ? [{ budget, key }] : [];
    });
  }

  /** The decision and headers after the charges: refused when any budget is exhausted. */
  private decide(states: BudgetState[]): LimitDecision {
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
