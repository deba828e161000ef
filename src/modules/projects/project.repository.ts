import { type Knex, LockMode, type SqlEntityManager } from '@mikro-orm/postgresql';
import { timestampFromRow } from '../../platform/db/row-values.js';
import type { Connection } from '../common/connection.js';
import { type CursorCodec, listFingerprint } from '../common/cursor.js';
import { fetchKeysetPage, type SortKey } from '../common/keyset-page.js';
import type { PageRequest } from '../common/page-args.js';
import { type Project, ProjectSchema } from './project.entity.js';
import type { ProjectFilter, ProjectOrder } from './project.inputs.js';

const SORTS: Record<ProjectOrder['field'], SortKey<Project>['columns']> = {
  CREATED_AT: [{ expression: 'created_at', sqlType: 'timestamptz', valueOf: (p) => p.createdAt.toISOString() }],
  UPDATED_AT: [{ expression: 'updated_at', sqlType: 'timestamptz', valueOf: (p) => p.updatedAt.toISOString() }],
  NAME: [{ expression: 'name', sqlType: 'text', valueOf: (p) => p.name }],
};

/** All SQL about projects, scoped to one org. */
export class ProjectRepository {
  constructor(
    private readonly em: SqlEntityManager,
    private readonly codec: CursorCodec,
  ) {}

  /** The project as a tracked entity, or null when it is not in the org; `forUpdate` also locks its row. */
  async findOne(orgId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<Project | null> {
    return this.em.findOne(ProjectSchema, { id, orgId }, options.forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  }

  async exists(orgId: string, id: string): Promise<boolean> {
    return (await this.em.count(ProjectSchema, { orgId, id })) > 0;
  }

  /** Read-only lookup (loaders): plain rows, not tracked by the unit of work. */
  async findByIds(orgId: string, ids: readonly string[]): Promise<Project[]> {
    if (ids.length === 0) return [];
    const rows = await this.em.execute<Record<string, unknown>[]>(this.em.getKnex()('planning_projects').where('org_id', orgId).whereIn('id', [...ids]));
    return rows.map(projectFromRow);
  }

  async list(orgId: string, filter: ProjectFilter, order: ProjectOrder, page: PageRequest): Promise<Connection<Project>> {
    return fetchKeysetPage({
      em: this.em,
      filtered: () => this.filtered(orgId, filter),
      sort: { columns: SORTS[order.field], direction: order.direction },
      page,
      codec: this.codec,
      fingerprint: listFingerprint(['project', orgId, filter, order]),
      toRow: projectFromRow,
    });
  }

  private filtered(orgId: string, filter: ProjectFilter): Knex.QueryBuilder {
    const q = this.em.getKnex()('planning_projects').where('org_id', orgId);
    if (filter.status?.length) q.whereIn('status', filter.status);
    if (filter.search) q.whereRaw(`name ilike ? escape '\\'`, [`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]);
    return q;
  }

  /** Locks the project's row `FOR UPDATE` until the transaction ends; false when it is not in the org. */
  async lockForDelete(orgId: string, id: string): Promise<boolean> {
    const rows = await this.em.execute<Array<{ id: string }>>(this.em.getKnex()('planning_projects').select('id').where({ org_id: orgId, id }).forUpdate());
    return rows.length > 0;
  }

  /** Deletes the project; returns whether it existed in the org. Its tasks lose it by foreign key (detach them first). */
  async delete(orgId: string, id: string): Promise<boolean> {
    return (await this.em.nativeDelete(ProjectSchema, { orgId, id })) > 0;
  }
}

/** The columns {@link projectFromRow} reads. */
export const PROJECT_COLUMNS = ['id', 'org_id', 'name', 'description', 'color', 'icon', 'status', 'owner_id', 'created_at', 'updated_at', 'version'] as const;

/** A project row as a plain read model (see `taskFromRow`). */
export function projectFromRow(r: Record<string, any>): Project {
  return {
    id: r.id,
    orgId: r.org_id,
    name: r.name,
    description: r.description,
    color: r.color,
    icon: r.icon,
    status: r.status,
    ownerId: r.owner_id,
    createdAt: timestampFromRow(r.created_at),
    updatedAt: timestampFromRow(r.updated_at),
    version: r.version,
  } as Project;
}
