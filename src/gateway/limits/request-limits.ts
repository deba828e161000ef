import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
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
  | { allowed: true; headers: Record<string, string>; addressExhaustedForMs?: number }
  | {
      allowed: false;
      /** Set when the client address's budget has no unit left: how long until its window ends. */
      addressExhaustedForMs?: number;
      retryAfterSeconds: number;
      budget: 'user' | 'ip';
      /** The request alone costs more than the whole budget: it can never be admitted, however long it waits. */
      exceedsBudget: boolean;
      /** The budget has no unit left (not even a cost-1 request would pass). */
      exhausted: boolean;
      headers: Record<string, string>;
    };

/** {@link RequestLimits.admit}: a revoked token is charged nothing; otherwise the budgets' decision. */
export type AdmissionDecision = { revoked: true } | (LimitDecision & { revoked: false });

/**
 * The revocation check and the budgets' charges as one Lua script, so an admitted request costs one Redis round
 * trip. A revoked token (`KEYS[1]` exists, checked when `ARGV[3]` is 1) is answered at once and charged nothing.
 * Otherwise the budgets (`KEYS[2..]`, each with its points in `ARGV[3 + i]`) are read first, and charged `ARGV[1]`
 * points in a window of `ARGV[2]` seconds only when every one of them has room: a refused request charges nothing,
 * so one caller's refused expensive request does not use up a budget it shares with others (an IP's). A charge takes
 * exactly the steps of rate-limiter-flexible's own script (same keys, same values), so budgets charged here and by
 * the library (login, reset, older replicas during a rolling deploy) are one and the same. The answer is
 * `{revoked, charged, consumed1, pttl1, consumed2, pttl2, ...}` (consumed after the charge, or as found when
 * refused). Its keys may lie in different hash slots: for a standalone Redis (or one primary), not Redis Cluster.
 */
const ADMIT_SCRIPT = `
if ARGV[3] == '1' and redis.call('exists', KEYS[1]) == 1 then return {1} end
local cost = tonumber(ARGV[1])
local room = true
for i = 2, #KEYS do
  local consumed = tonumber(redis.call('get', KEYS[i]) or '0')
  if consumed + cost > tonumber(ARGV[2 + i]) then room = false end
end
local answer = {0, room and 1 or 0}
for i = 2, #KEYS do
  local consumed
  if room then
    redis.call('set', KEYS[i], 0, 'EX', ARGV[2], 'NX')
    consumed = redis.call('incrby', KEYS[i], cost)
  else
    consumed = tonumber(redis.call('get', KEYS[i]) or '0')
  end
  local ttl = redis.call('pttl', KEYS[i])
  if ttl == -1 then
    redis.call('expire', KEYS[i], ARGV[2])
    ttl = 1000 * ARGV[2]
  elseif ttl == -2 then
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

/** Client addresses remembered as out of budget, at most (the oldest are forgotten first). */
const MAX_BLOCKED_ADDRESSES = 10_000;

/**
 * Per-user and per-client-IP request budgets in cost units per minute (rate-limiter-flexible, on Redis so every
 * gateway replica shares them, or in process without Redis). A budget of 0 is off. Answers carry
 * `RateLimit-Policy` and `RateLimit` headers (IETF httpapi-ratelimit-headers draft) for the tightest budget.
 * A request is charged only when every budget it counts against has room for its whole cost.
 */
export class RequestLimits {
  private readonly budgets: Budget[];
  private readonly redis: Redis | undefined;
  private readonly admitCommand: AdmitCommand | undefined;
  /**
   * Addresses whose IP budget this process saw exhausted, until its window ends: their requests are refused before
   * their token is verified (a flood of forged tokens would otherwise cost a signature check each).
   */
  private readonly exhaustedAddresses = new LRUCache<string, number>({ max: MAX_BLOCKED_ADDRESSES });

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
      options.redis.defineCommand('focusKralikiAdmitV2', { lua: ADMIT_SCRIPT });
      const command = (options.redis as unknown as Record<string, AdmitCommand>).focusKralikiAdmitV2!;
      this.admitCommand = command.bind(options.redis);
    }
  }

  get policyHeader(): string {
    return this.budgets.map((b) => `"${b.name}";q=${b.points};w=${WINDOW_SECONDS}`).join(', ');
  }

  /**
   * Checks that the token `tokenId` is not revoked and, only then, charges `cost` to each budget (nothing when any
   * budget lacks room for it). With the revocation store on this limiter's Redis client this is one round trip (one
   * script); otherwise the store is asked first. Store failure -> {@link AuthUnavailableError}.
   */
  async admit(tokenId: string, revocations: RevocationStore, keys: { user?: string; ip: string }, cost: number): Promise<AdmissionDecision> {
    if (!Number.isInteger(cost) || cost < 1) throw new Error(`A request's cost must be a positive integer, got ${cost}`);
    const oneScript = !!this.admitCommand && revocations instanceof RedisRevocationStore && revocations.redis === this.redis;
    if (!oneScript && (await revocations.isRevoked(tokenId))) return { revoked: true };
    const decision = await this.charge(keys, cost, oneScript ? tokenId : undefined);
    if (decision === 'revoked') return { revoked: true };
    this.rememberExhausted(keys.ip, decision);
    return { ...decision, revoked: false };
  }

  /**
   * Charges one unit to the IP budget of a request whose authentication failed (a missing, forged, expired or
   * revoked token), so that guessing tokens spends the address's budget like any other request. Store failures are
   * ignored: the request is refused either way.
   */
  async chargeFailedAuthentication(ip: string): Promise<void> {
    if (!this.budgets.some((b) => b.name === 'ip')) return;
    try {
      this.rememberExhausted(ip, (await this.charge({ ip }, 1, undefined)) as LimitDecision);
    } catch {
      // The answer is a refusal already; an unavailable store changes nothing about it.
    }
  }

  /**
   * Seconds until the window of `ip`'s exhausted budget ends, as this process last saw it; 0 when it is not known to
   * be exhausted. A refusal from it costs no store round trip and no token verification.
   */
  exhaustedFor(ip: string): number {
    const until = this.exhaustedAddresses.get(ip);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left <= 0) {
      this.exhaustedAddresses.delete(ip);
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  private rememberExhausted(ip: string, decision: LimitDecision): void {
    if (decision.addressExhaustedForMs) this.exhaustedAddresses.set(ip, Date.now() + decision.addressExhaustedForMs);
  }

  /** Charges `cost` to each budget when all have room, else nothing; `revokedTokenId`: also checks that token. */
  private async charge(keys: { user?: string; ip: string }, cost: number, revokedTokenId: string | undefined): Promise<LimitDecision | 'revoked'> {
    const charged = this.charged(keys);
    if (!this.admitCommand) return this.chargeInProcess(charged, cost);
    let answer: number[];
    try {
      answer = await this.admitCommand(
        1 + charged.length,
        revokedTokenId ? revokedKey(revokedTokenId) : 'unused',
        ...charged.map(({ budget, key }) => `${budget.keyPrefix}:${key}`),
        String(cost),
        String(WINDOW_SECONDS),
        revokedTokenId ? '1' : '0',
        ...charged.map(({ budget }) => String(budget.points)),
      );
    } catch (error) {
      throw new AuthUnavailableError(`revocation and rate-limit store unavailable: ${(error as Error).message}`);
    }
    if (answer[0] === 1) return 'revoked';
    const room = answer[1] === 1;
    const states = charged.map(({ budget }, i): BudgetState => {
      const consumed = Number(answer[2 + 2 * i]);
      return { budget, res: { remainingPoints: Math.max(budget.points - consumed, 0), msBeforeNext: Number(answer[3 + 2 * i]) }, allowed: room || consumed + cost <= budget.points };
    });
    return this.decide(states, cost);
  }

  /** The in-process stores: each budget charged, and every charge given back when one of them had no room. */
  private async chargeInProcess(charged: { budget: Budget; key: string }[], cost: number): Promise<LimitDecision> {
    const states = await Promise.all(
      charged.map(async ({ budget, key }): Promise<BudgetState & { key: string }> => {
        try {
          return { budget, key, res: await budget.limiter.consume(key, cost), allowed: true };
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) return { budget, key, res: rejection, allowed: false };
          throw new AuthUnavailableError(`rate-limit store unavailable: ${(rejection as Error).message}`);
        }
      }),
    );
    if (states.some((s) => !s.allowed)) {
      await Promise.all(states.map((s) => s.budget.limiter.reward(s.key, cost)));
      for (const state of states) {
        const consumed = (state.res as RateLimiterRes).consumedPoints - cost;
        state.res = { remainingPoints: Math.max(0, state.budget.points - consumed), msBeforeNext: state.res.msBeforeNext };
      }
    }
    return this.decide(states, cost);
  }

  /** The budgets a request with these keys is charged to (a request without a user has no user budget). */
  private charged(keys: { user?: string; ip: string }): { budget: Budget; key: string }[] {
    return this.budgets.flatMap((budget) => {
      const key = budget.name === 'user' ? keys.user : keys.ip;
      return key ? [{ budget, key }] : [];
    });
  }

  /** The decision and headers after the charges: refused when any budget lacks room for `cost`. */
  private decide(states: BudgetState[], cost: number): LimitDecision {
    const headers: Record<string, string> = {};
    if (states.length > 0) {
      headers['ratelimit-policy'] = this.policyHeader;
      const tightest = states.reduce((a, b) => (Math.max(0, b.res.remainingPoints) < Math.max(0, a.res.remainingPoints) ? b : a));
      headers.ratelimit = `"${tightest.budget.name}";r=${Math.max(0, tightest.res.remainingPoints)};t=${Math.ceil(tightest.res.msBeforeNext / 1000)}`;
    }
    // The address budget without a unit left: no request from it can pass until its window ends.
    const address = states.find((s) => s.budget.name === 'ip' && s.res.remainingPoints < 1);
    const addressExhaustedForMs = address ? Math.max(1000, address.res.msBeforeNext) : undefined;
    const refused = states.find((s) => !s.allowed);
    if (!refused) return { allowed: true, headers, addressExhaustedForMs };
    const retryAfterSeconds = Math.max(1, Math.ceil(refused.res.msBeforeNext / 1000));
    return {
      allowed: false,
      retryAfterSeconds,
      budget: refused.budget.name,
      exceedsBudget: cost > refused.budget.points,
      exhausted: refused.res.remainingPoints < 1,
      addressExhaustedForMs,
      headers: { ...headers, 'retry-after': String(retryAfterSeconds) },
    };
  }

  /** The smallest budget a request is charged to (a cost above it can never be admitted); undefined with none. */
  get smallestBudget(): number | undefined {
    return this.budgets.length > 0 ? Math.min(...this.budgets.map((b) => b.points)) : undefined;
  }

  /** Clears a key's usage (after a successful login, say). */
  async reset(name: 'user' | 'ip', key: string): Promise<void> {
    await this.budgets.find((b) => b.name === name)?.limiter.delete(key);
  }
}
