import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import type { Config } from '../config/config.js';
import { deprecatedMembersOf } from '../gateway/deprecations/deprecated-usage.js';
import { parseUsageKey, RedisDeprecatedUsageStore, usageKeyOf } from '../gateway/deprecations/deprecated-usage-store.js';
import { apiSchemaOf } from '../platform/federation/api-schema.js';
import type { Logger } from '../platform/logging/logger.js';
import { createRedisClient } from '../platform/redis/redis-client.js';
import { UsageError } from './commands.js';
import { SUPERGRAPH_FILE } from './supergraph-file.js';

/** One row of the report: a deprecated member and a client, or the member alone with 0 when nobody used it. */
export interface UsageRow {
  coordinate: string;
  client: string;
  operations: number;
  /** The member's deprecation reason; undefined for a counted member the schema no longer has. */
  reason: string | undefined;
}

/**
 * `contracts usage [--metrics-url URL] [--supergraph FILE] [--json]`: how many operations used each deprecated
 * member of the supergraph, by client. The counts come from Redis (REDIS_URL and REDIS_KEY_PREFIX, as the
 * gateways': every replica's, since the gateways started counting) or, with `--metrics-url`, from one gateway's
 * `/metrics` (that replica since its start; METRICS_TOKEN is sent as its bearer token when set).
 */
export async function contractsUsage(args: string[], config: () => Config, logger: () => Logger, out: (text: string) => void = (text) => process.stdout.write(text)): Promise<number> {
  let values;
  try {
    values = parseArgs({ args, strict: true, options: { 'metrics-url': { type: 'string' }, supergraph: { type: 'string' }, json: { type: 'boolean' } } }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const schema = apiSchemaOf(await readFile(values.supergraph ?? SUPERGRAPH_FILE, 'utf8'));
  const reasons = new Map(deprecatedMembersOf(schema).map((coordinate) => [coordinate, reasonOf(schema, coordinate)]));
  const counts = values['metrics-url'] ? await countsFromMetrics(values['metrics-url'], config().metricsToken) : await countsFromRedis(config(), logger());
  const rows = usageRows(reasons, counts);
  out(values.json ? `${JSON.stringify(rows, null, 2)}\n` : usageTable(rows));
  return 0;
}

/** Every counted pair, and every deprecated member nobody used with client `-` and 0; by coordinate, then most used. */
export function usageRows(reasons: ReadonlyMap<string, string | undefined>, counts: ReadonlyMap<string, number>): UsageRow[] {
  const rows: UsageRow[] = [];
  const counted = new Set<string>();
  for (const [key, operations] of counts) {
    const { coordinate, client } = parseUsageKey(key);
    counted.add(coordinate);
    rows.push({ coordinate, client, operations, reason: reasons.get(coordinate) });
  }
  for (const [coordinate, reason] of reasons) if (!counted.has(coordinate)) rows.push({ coordinate, client: '-', operations: 0, reason });
  return rows.sort((a, b) => a.coordinate.localeCompare(b.coordinate) || b.operations - a.operations || a.client.localeCompare(b.client));
}

function usageTable(rows: UsageRow[]): string {
  if (rows.length === 0) return 'The supergraph has no deprecated member, and no use of one was counted.\n';
  const lines = [['coordinate', 'client', 'operations', 'reason'], ...rows.map((r) => [r.coordinate, r.client, String(r.operations), r.reason ?? '(not in the schema any more)'])];
  const widths = [0, 1, 2].map((i) => Math.max(...lines.map((line) => line[i]!.length)));
  return `${lines.map((line) => line.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd()).join('\n')}\n`;
}

function reasonOf(schema: GraphQLSchema, coordinate: string): string | undefined {
  const [typeName, member] = coordinate.split('.') as [string, string];
  const type = schema.getType(typeName);
  if (isEnumType(type)) return type.getValue(member)?.deprecationReason ?? undefined;
  if (isInputObjectType(type)) return type.getFields()[member]?.deprecationReason ?? undefined;
  if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
  const argument = /^(\w+)\((\w+):\)$/.exec(member);
  const field = type.getFields()[argument ? argument[1]! : member];
  return (argument ? field?.args.find((a) => a.name === argument[2]) : field)?.deprecationReason ?? undefined;
}

async function countsFromRedis(config: Config, logger: Logger): Promise<Map<string, number>> {
  if (!config.redisUrl) throw new UsageError('contracts usage reads the gateways\' counts from Redis (set REDIS_URL and REDIS_KEY_PREFIX as the gateways have them), or from one gateway with --metrics-url URL');
  const redis = createRedisClient(config.redisUrl, { keyPrefix: config.redisKeyPrefix, logger });
  try {
    if (redis.status !== 'ready') await new Promise<void>((resolve, reject) => redis.once('ready', resolve).once('error', reject));
    return await new RedisDeprecatedUsageStore(redis).totals();
  } finally {
    redis.disconnect();
  }
}

const SAMPLE = /^gateway_deprecated_usage_total\{(.*)\} (\S+)$/;

async function countsFromMetrics(url: string, token: string | undefined): Promise<Map<string, number>> {
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (response.status !== 200) throw new UsageError(`${url} answered ${response.status}${response.status === 401 || response.status === 404 ? ' (is METRICS_TOKEN the gateway\'s?)' : ''}`);
  const counts = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const sample = SAMPLE.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries([...sample[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));
    counts.set(usageKeyOf(labels.coordinate ?? '', labels.client ?? 'unknown'), Number(sample[2]));
  }
  return counts;
}
