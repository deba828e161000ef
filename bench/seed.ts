import pg from 'pg';

/**
 * The bench data set, written with set-based SQL: org `bench` with 20 projects and 20,000 tasks (tags, due dates,
 * one in ten a subtask), and 5 noise orgs with 2,000 tasks each.
 */
export async function seedBenchData(databaseUrl: string): Promise<void> {
  await seedOrgs(databaseUrl, [{ org: 'bench', tasks: 20_000 }, ...Array.from({ length: 5 }, (_, i) => ({ org: `noise-${i}`, tasks: 2_000 }))]);
}

/** Orgs of the bench's shape (20 projects, `tasks` tasks each), in one transaction, then vacuumed. */
export async function seedOrgs(databaseUrl: string, orgs: Array<{ org: string; tasks: number }>): Promise<void> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
  await client.query('begin');
  for (const { org, tasks } of orgs) await seedOrg(client, org, tasks);
  await client.query('commit');
  // The steady state of a live table: statistics and a visibility map (index-only scans, e.g. the REST total's
  // count). Without the vacuum, autovacuum would run on the freshly loaded table during the first scenarios.
  await client.query('vacuum analyze planning_tasks');
  await client.query('vacuum analyze planning_projects');
  } finally {
  await client.end();
  }
}

/** One org: 20 projects, `tasks` tasks (statuses, priorities, tags and due dates in turn), one in ten a subtask. */
async function seedOrg(client: pg.Client, org: string, tasks: number): Promise<void> {
  await client.query(
    `insert into planning_projects (id, org_id, name, status, owner_id, created_at, updated_at)
     select gen_random_uuid(), $1, 'Project ' || g, 'ACTIVE', 'bench-user', now() - g * interval '1 day', now()
     from generate_series(1, 20) g`,
    [org],
  );
  await client.query(
    `with projects as (select id, row_number() over (order by id) - 1 as n from planning_projects where org_id = $1)
     insert into planning_tasks (id, org_id, title, title_key, status, priority, due_date, tags, position, project_id, owner_id, metadata, created_at, updated_at)
     select gen_random_uuid(), $1, 'Task ' || g, 'task ' || g,
            (array['PENDING','IN_PROGRESS','COMPLETED','ARCHIVED'])[1 + g % 4], 1 + g % 4,
            case when g % 3 = 0 then null else now() + (g % 90) * interval '1 day' end,
            array['tag-' || (g % 7), 'tag-' || (g % 11)], g / 20, p.id, 'bench-user', '{}', now() - g * interval '1 minute', now()
     from generate_series(1, $2::int) g join projects p on p.n = g % 20`,
    [org, tasks],
  );
  // One task in ten becomes a subtask of the task created just before it in the same project.
  await client.query(
    `with numbered as (
       select id, project_id, row_number() over (partition by project_id order by created_at desc, id) as n
       from planning_tasks where org_id = $1
     )
     update planning_tasks t set parent_id = parent.id
     from numbered child join numbered parent on parent.project_id = child.project_id and parent.n = child.n - 1
     where t.id = child.id and child.n % 10 = 0`,
    [org],
  );
}
