import { Migration } from '@mikro-orm/migrations';

/** Users who log in at the gateway (`POST /auth/login`); created with `focus-kraliki user add`. */
export class Migration20261125020000_platform_users extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table platform_users (
        id uuid primary key,
        email varchar(320) not null,
        password_hash text not null,
        org_id varchar(128) not null,
        roles text[] not null default '{}',
        created_at timestamptz not null default now()
      )`);
    this.addSql(`create unique index platform_users_email_idx on platform_users (lower(email))`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists platform_users');
  }
}
