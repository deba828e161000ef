import type { Config } from '../config/config.js';
import { InProcessRevocationStore, RedisRevocationStore, type RevocationStore } from '../gateway/auth/revocation-store.js';
import { loadKeyRing, type KeyRing } from '../platform/identity/signing-keys.js';
import { TokenVerifier } from '../platform/identity/token-verifier.js';
import type { Logger } from '../platform/logging/logger.js';
import { createRedisClient } from '../platform/redis/redis-client.js';
import type { Redis } from 'ioredis';

/** The key ring from AUTH_PRIVATE_KEY(_FILE), or the development key generated into `.data/keys`. */
export function keyRingFor(config: Config): Promise<KeyRing> {
  return loadKeyRing({
    privateKey: config.auth.privateKey,
    privateKeyFile: config.auth.privateKeyFile,
    additionalPublicKeysFile: config.auth.additionalPublicKeysFile,
    developmentKeyDir: config.auth.developmentKeyDir,
  });
}

export function accessTokenVerifier(config: Config, keys: KeyRing): TokenVerifier {
  return new TokenVerifier({
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    clockToleranceSeconds: config.auth.clockToleranceSeconds,
    localJwks: keys.jwks,
    trustedJwksUrls: config.auth.trustedJwksUrls,
    maxTokenAgeSeconds: config.auth.maxTokenAgeSeconds,
  });
}

/** Redis when `REDIS_URL` is set, else in-process stand-ins (announced in the log). */
export function redisFor(config: Config, logger: Logger): Redis | undefined {
  if (config.redisUrl) return createRedisClient(config.redisUrl, { keyPrefix: config.redisKeyPrefix, logger });
  logger.warn('REDIS_URL is not set: revocations and rate limits live in this process only (development)');
  return undefined;
}

export function revocationStoreFor(redis: Redis | undefined): RevocationStore {
  return redis ? new RedisRevocationStore(redis) : new InProcessRevocationStore();
}
