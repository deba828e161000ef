import { randomUUID } from 'node:crypto';
import { type Caller, assertCanRead, assertCanWrite, assertIsAdmin } from '../common/caller.js';
import type { Connection } from '../common/connection.js';
import { IdempotencyRepository, requestHash } from '../common/idempotency.repository.js';
import { type PageArgs, parsePageArgs } from '../common/page-args.js';
import { entityId, parseInput } from '../common/validators.js';
import { NotFoundError, VersionConflictError } from '../../platform/errors/planning-error.js';
import { expectedVersion as expectedVersionSchema, idempotencyKey as idempotencyKeySchema } from '../tasks/task.inputs.js';
import { type Project, ProjectSchema } from './project.entity.js';
import { createProjectInput, projectFilter, projectOrder, updateProjectInput } from './project.inputs.js';
import { ProjectRepository } from './project.repository.js';
import { projectEvent } from './project.events.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import { UseCaseService } from '../common/service-options.js';
import { TaskRepository } from '../tasks/task.repository.js';
import { taskDetachedFromProject } from '../tasks/task.events.js';

/** Project use cases. One instance per request. */
export class ProjectService extends UseCaseService {

  async getProject(caller: Caller, id: string): Promise<Project | null> {
    assertCanRead(caller);
    return new ProjectRepository(this.em, this.codec).findOne(caller.orgId, parseInput(entityId, id, 'id'));
  }

  async listProjects(caller: Caller, args: PageArgs & { filter?: unknown; orderBy?: unknown }): Promise<Connection<Project>> {
    assertCanRead(caller);
    const filter = parseInput(projectFilter, args.filter, 'filter');
    const order = parseInput(projectOrder, args.orderBy, 'orderBy');
    return new ProjectRepository(this.em, this.codec).list(caller.orgId, filter, order, parsePageArgs(args));
  }

  async createProject(caller: Caller, rawInput: unknown, rawKey?: string | null): Promise<Project> {
    assertCanWrite(caller);
    const input = parseInput(createProjectInput, rawInput, 'input');
    const key = parseInput(idempotencyKeySchema, rawKey, 'idempotencyKey');
    return this.writeTransaction(caller.orgId, async (em) => {
      const scope = key ? { orgId: caller.orgId, userId: caller.userId, operation: 'createProject', key } : undefined;
      const idempotency = new IdempotencyRepository(em);
      if (scope) {
        const claim = await idempotency.claim(scope, requestHash(rawInput));
        if (claim.kind === 'replay') {
          const [first] = await new ProjectRepository(em, this.codec).findByIds(caller.orgId, claim.resultIds);
          if (!first) throw new NotFoundError('Project', claim.resultIds[0] ?? '', 'idempotencyKey');
          return first;
        }
      }
      const now = this.now();
      const project = em.create(ProjectSchema, {
        id: randomUUID(),
        orgId: caller.orgId,
        name: input.name,
        description: input.description ?? null,
        color: input.color ?? null,
        icon: input.icon ?? null,
        status: 'ACTIVE',
        ownerId: caller.userId,
        createdAt: now,
        updatedAt: now,
        version: 1,
      });
      await em.flush();
      await appendToOutbox(em, this.actor(caller), [projectEvent('planning.project.created', project.id)]);
      if (scope) await idempotency.recordResult(scope, [project.id]);
      return project;
    });
  }

  async updateProject(caller: Caller, id: string, rawInput: unknown, rawExpectedVersion?: number | null): Promise<Project> {
    assertCanWrite(caller);
    const input = parseInput(updateProjectInput, rawInput, 'input');
    return this.changeProject(caller, id, rawExpectedVersion, (project) => {
      for (const [name, value] of Object.entries(input)) {
        if (value !== undefined) (project as Record<string, unknown>)[name] = value;
      }
    });
  }

  async archiveProject(caller: Caller, id: string, rawExpectedVersion?: number | null): Promise<Project> {
    assertCanWrite(caller);
    return this.changeProject(caller, id, rawExpectedVersion, (project) => {
      project.status = 'ARCHIVED';
    });
  }

  async deleteProject(caller: Caller, id: string): Promise<{ deletedId: string; detachedTaskCount: number }> {
    assertIsAdmin(caller);
    const projectId = parseInput(entityId, id, 'id');
    return this.writeTransaction(caller.orgId, async (em) => {
      // The project's row first: a create naming it holds it (FOR KEY SHARE) until it commits, so the delete waits for
      // it (and then detaches its task too) instead of holding task counters the create's insert waits for.
      if (!(await new ProjectRepository(em, this.codec).lockForDelete(caller.orgId, projectId))) throw new NotFoundError('Project', projectId, 'id');
      // Its tasks stay, without a project: detached first, each as a change of its own, then the project goes.
      const tasks = new TaskRepository(em, this.codec);
      const detached = await tasks.findIdsInProject(caller.orgId, projectId);
      const detachedTaskCount = await tasks.detachFromProject(caller.orgId, projectId, this.now());
      if (!(await new ProjectRepository(em, this.codec).delete(caller.orgId, projectId))) throw new NotFoundError('Project', projectId, 'id');
      await appendToOutbox(em, this.actor(caller), [projectEvent('planning.project.deleted', projectId), ...detached.map(taskDetachedFromProject)]);
      return { deletedId: projectId, detachedTaskCount };
    });
  }

  private async changeProject(
    caller: Caller,
    id: string,
    rawExpectedVersion: number | null | undefined,
    change: (project: Project) => void,
  ): Promise<Project> {
    const projectId = parseInput(entityId, id, 'id');
    const expected = parseInput(expectedVersionSchema, rawExpectedVersion, 'expectedVersion');
    return this.writeTransaction(caller.orgId, async (em) => {
      const project = await new ProjectRepository(em, this.codec).findOne(caller.orgId, projectId, { forUpdate: true });
      if (!project) throw new NotFoundError('Project', projectId, 'id');
      if (expected != null && expected !== project.version) {
        throw new VersionConflictError('Project', projectId, expected, project.version);
      }
      const before = JSON.stringify(project);
      const wasArchived = project.status === 'ARCHIVED';
      change(project);
      if (JSON.stringify(project) !== before) {
        project.updatedAt = this.now();
        const archivedNow = !wasArchived && project.status === 'ARCHIVED';
        await appendToOutbox(em, this.actor(caller), [projectEvent(archivedNow ? 'planning.project.archived' : 'planning.project.updated', projectId)]);
      }
      await em.flush();
      return project;
    });
  }
}
