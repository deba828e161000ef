import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Role } from '../common/caller.js';

export interface PlatformUser {
  id: string;
  email: string;
  passwordHash: string;
  orgId: string;
  roles: Role[];
}

/** `platform_users`: the accounts that log in at the gateway. */
export class UserRepository {
  constructor(private readonly orm: MikroORM) {}

  async findByEmail(email: string): Promise<PlatformUser | null> {
    const [row] = await this.orm.em
      .fork()
      .execute<Array<{ id: string; email: string; password_hash: string; org_id: string; roles: Role[] }>>(
        'select id, email, password_hash, org_id, roles from platform_users where lower(email) = lower(?)',
        [email],
      );
    return row ? { id: row.id, email: row.email, passwordHash: row.password_hash, orgId: row.org_id, roles: row.roles } : null;
  }

  async count(): Promise<number> {
    const [row] = await this.orm.em.fork().execute<Array<{ n: number }>>('select count(*)::int as n from platform_users');
    return Number(row?.n ?? 0);
  }

  /** Adds a user; returns null when the email is taken. */
  async add(user: Omit<PlatformUser, 'id'>): Promise<PlatformUser | null> {
    const id = randomUUID();
    const rows = await this.orm.em
      .fork()
      .execute<Array<{ id: string }>>(
        `insert into platform_users (id, email, password_hash, org_id, roles) values (?, ?, ?, ?, array[?]::text[])
         on conflict do nothing returning id`,
        [id, user.email, user.passwordHash, user.orgId, user.roles.length ? user.roles : ['viewer']],
      );
    return rows.length ? { id, ...user } : null;
  }
}
