import { Migration } from '@mikro-orm/migrations';

/**
 * Transactional outbox (events written in the same transaction as the change they describe) and inbox (one row
 * per consumed event, so every inbound event takes effect once).
 */
export class Migration20261125010000_planning_events extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table planning_outbox (
        seq bigserial primary key,
        event_id uuid not null unique,
        event_type varchar(100) not null,
        aggregate_id uuid not null,
        envelope jsonb not null,
        headers jsonb not null default '{}',
        created_at timestamptz not null default clock_timestamp(),
        published_at timestamptz null,
        attempts integer not null default 0,
        last_error text null
      )`);
    this.addSql(`create index planning_outbox_unsent_idx on planning_outbox (seq) where published_at is null`);
    this.addSql(`create index planning_outbox_published_idx on planning_outbox (published_at) where published_at is not null`);
    this.addSql(`
      create table planning_inbox (
        event_key varchar(200) primary key,
        event_type varchar(100) not null,
        event_id varchar(200) null,
        received_at timestamptz not null default now(),
        result jsonb not null default '{}'
      )`);
    this.addSql(`create index planning_inbox_received_idx on planning_inbox (received_at)`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists planning_inbox');
    this.addSql('drop table if exists planning_outbox');
  }
}
