import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261125000000_planning_initial } from './Migration20261125000000_planning_initial.js';
import { Migration20261125010000_planning_events } from './Migration20261125010000_planning_events.js';
import { Migration20261125020000_platform_users } from './Migration20261125020000_platform_users.js';
import { Migration20261125030000_unfiled_task_positions } from './Migration20261125030000_unfiled_task_positions.js';
import { Migration20261126000000_inbox_key_length } from './Migration20261126000000_inbox_key_length.js';
import { Migration20261203000000_inbox_key_org } from './Migration20261203000000_inbox_key_org.js';
import { Migration20261203100000_shadow_and_flow_memory } from './Migration20261203100000_shadow_and_flow_memory.js';
import { Migration20261211000000_task_reading_order } from './Migration20261211000000_task_reading_order.js';
import { Migration20261220000000_list_indexes_and_counts } from './Migration20261220000000_list_indexes_and_counts.js';

/**
 * Every committed migration, in order. Listed explicitly (not globbed) so the same code runs under tsx, vitest and
 * a compiled build. Add new migrations at the end.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261125000000_planning_initial', class: Migration20261125000000_planning_initial },
  { name: 'Migration20261125010000_planning_events', class: Migration20261125010000_planning_events },
  { name: 'Migration20261125020000_platform_users', class: Migration20261125020000_platform_users },
  { name: 'Migration20261125030000_unfiled_task_positions', class: Migration20261125030000_unfiled_task_positions },
  { name: 'Migration20261126000000_inbox_key_length', class: Migration20261126000000_inbox_key_length },
  { name: 'Migration20261203000000_inbox_key_org', class: Migration20261203000000_inbox_key_org },
  { name: 'Migration20261203100000_shadow_and_flow_memory', class: Migration20261203100000_shadow_and_flow_memory },
  { name: 'Migration20261211000000_task_reading_order', class: Migration20261211000000_task_reading_order },
  { name: 'Migration20261220000000_list_indexes_and_counts', class: Migration20261220000000_list_indexes_and_counts },
];
