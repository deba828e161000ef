/**
 * S0q: a bare node:http server that answers S1's page from PostgreSQL with the `pg` driver alone: the same statement
 * shape the subgraph runs for the bench's query (the org's newest 21 tasks, each with its project by a lateral
 * lookup and its subtask count), named and prepared, its rows mapped to the answer's JSON. No GraphQL, no ORM, no
 * caller check, no log: the floor of one HTTP request plus one PostgreSQL round trip on this machine, which S1's CPU
 * per page is read against.
 */
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_MAX ?? 10) });
const org = process.env.BENCH_ORG ?? 'bench';
const PROJECT_COLUMNS = ['id', 'org_id', 'name', 'description', 'color', 'icon', 'status', 'owner_id', 'created_at', 'updated_at', 'version'];
const statement = {
  name: 'bench_floor_page',
  text: `select page.*,
      (select count(*) from planning_tasks s where s.org_id = page.org_id and s.parent_id = page.id)::int as __subtask_count,
      related_project.*
    from (select * from planning_tasks where org_id = $1 order by created_at desc, created_seq asc, id desc limit 21) as page
    left join lateral (select ${PROJECT_COLUMNS.map((c) => `p.${c} as __project_${c}`).join(', ')}
      from planning_projects p where p.org_id = page.org_id and p.id = page.project_id) as related_project on true
    order by created_at desc, created_seq asc, id desc`,
};

createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    pool.query({ ...statement, values: [org] }).then(
      ({ rows }) => {
        const edges = rows.slice(0, 20).map((r) => ({
          node: { id: r.id, title: r.title, tags: r.tags, project: r.__project_id ? { name: r.__project_name } : null, subtaskCount: r.__subtask_count },
        }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { tasks: { edges } } }));
      },
      (error: Error) => res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: error.message }] })),
    );
  });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
