import { PlanningError } from '../platform/errors/planning-error.js';
import { PLANNING_ENTITIES } from '../modules/planning-entities.js';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Config } from '../config/config.js';
import { ROLES, type Role } from '../modules/common/caller.js';
import { hashPassword } from '../modules/users/password.js';
import { UserRepository } from '../modules/users/user.repository.js';
import { openDatabase } from '../platform/db/database.js';
import { generatePrivateKeyPem } from '../platform/identity/signing-keys.js';
import { TokenIssuer } from '../platform/identity/token-issuer.js';
import type { Logger } from '../platform/logging/logger.js';
import { outboxLag } from '../platform/outbox/outbox-relay.js';
import { SUPERGRAPH_FILE } from './supergraph-file.js';
import { keyRingFor } from './identity-setup.js';

/** Bad command-line arguments: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends PlanningError {
  readonly code = 'USAGE';
}

const parse = (args: string[], options: NonNullable<ParseArgsConfig['options']>) => {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
};

const required = (values: Record<string, unknown>, name: string): string => {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
};

const parseRoles = (raw: string): Role[] => {
  const roles = raw.split(',').map((r) => r.trim().toLowerCase()).filter(Boolean);
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || unknown.length) throw new UsageError(`--roles must list roles among ${ROLES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}`);
  return roles as Role[];
};

/** `keys generate [--out FILE] [--if-missing]`: a new Ed25519 signing key (PKCS#8 PEM). */
export async function keysGenerate(args: string[]): Promise<number> {
  const values = parse(args, { out: { type: 'string' }, 'if-missing': { type: 'boolean' } });
  const pem = generatePrivateKeyPem();
  if (typeof values.out !== 'string') {
    process.stdout.write(pem);
    return 0;
  }
  if (existsSync(values.out)) {
    if (values['if-missing']) return 0;
    throw new UsageError(`${values.out} exists; refusing to overwrite a key (use --if-missing to keep it)`);
  }
  await writeFile(values.out, pem, { mode: 0o600 });
  console.error(`wrote ${values.out}`);
  return 0;
}

/** `token mint --sub --org --roles [--ttl]`: an access token signed with the gateway's key. */
export async function tokenMint(args: string[], config: Config): Promise<number> {
  const values = parse(args, { sub: { type: 'string' }, org: { type: 'string' }, roles: { type: 'string' }, ttl: { type: 'string' } });
  const ttl = values.ttl === undefined ? config.auth.tokenTtlSeconds : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new UsageError('--ttl must be whole seconds from 1 to 86400');
  const keys = await keyRingFor(config);
  const issuer = new TokenIssuer(keys.current, config.auth.issuer, config.auth.audience);
  const { token } = await issuer.issue({ sub: required(values, 'sub'), orgId: required(values, 'org'), roles: parseRoles(required(values, 'roles')), ttlSeconds: ttl });
  console.log(token);
  return 0;
}

/** `user add --email --password --org --roles`: a user who can log in at `/auth/login`. */
export async function userAdd(args: string[], config: Config, logger: Logger): Promise<number> {
  const values = parse(args, { email: { type: 'string' }, password: { type: 'string' }, org: { type: 'string' }, roles: { type: 'string' } });
  const email = required(values, 'email');
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new UsageError('--email must be an email address');
  const password = required(values, 'password');
  if (password.length < 8) throw new UsageError('--password must have at least 8 characters');
  const user = { email, passwordHash: await hashPassword(password), orgId: required(values, 'org'), roles: parseRoles(required(values, 'roles')) };
  const database = await openDatabase({ entities: PLANNING_ENTITIES, databaseUrl: config.databaseUrl, poolMax: 2, dataDir: config.dataDir, logger });
  try {
    const added = await new UserRepository(database.orm).add(user);
    if (!added) {
      console.error(`a user with email ${email} exists already`);
      return 1;
    }
    console.log(JSON.stringify({ id: added.id, email: added.email, org: added.orgId, roles: added.roles }));
    return 0;
  } finally {
    await database.close();
  }
}

/** `compose [--config FILE] [--out FILE]`: composes the supergraph; every composition error is printed. */
export async function compose(args: string[]): Promise<number> {
  const values = parse(args, { config: { type: 'string' }, out: { type: 'string' } });
  const configPath = typeof values.config === 'string' ? values.config : new URL('../../schema/supergraph.yaml', import.meta.url).pathname;
  // Composition is loaded only by this command: no role process needs it.
  const { composeSupergraph, loadSupergraphConfig } = await import('../platform/federation/compose-supergraph.js');
  const { subgraphs } = await loadSupergraphConfig(configPath);
  const sdl = composeSupergraph(subgraphs);
  const out = typeof values.out === 'string' ? values.out : SUPERGRAPH_FILE.pathname;
  const previous = await readFile(out, 'utf8').catch(() => '');
  await writeFile(out, sdl);
  console.error(`${previous === sdl ? 'unchanged' : 'wrote'} ${out} (${subgraphs.map((s) => s.name).join(', ')})`);
  return 0;
}

/** `outbox`: the outbox lag as JSON. */
export async function outboxStatus(config: Config, logger: Logger): Promise<number> {
  const database = await openDatabase({ entities: PLANNING_ENTITIES, databaseUrl: config.databaseUrl, poolMax: 2, dataDir: config.dataDir, logger });
  try {
    console.log(JSON.stringify(await outboxLag(database.orm)));
    return 0;
  } finally {
    await database.close();
  }
}
