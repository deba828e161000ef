import { describe, expect, it } from 'vitest';
import { checkContracts, mayRefresh } from '../../scripts/contracts/check-contracts.js';
import { eventData, intent, releasedContracts, withPlanningSdl } from './contract-builders.js';

const without = (list: string[], name: string) => list.filter((n) => n !== name);

describe('contracts:check', () => {
  it('when nothing changed, then there is no change and the check passes', async () => {
    const released = await releasedContracts();
    const result = await checkContracts(released, await releasedContracts(), intent());
    expect(result.changes).toEqual([]);
    expect(result.staleFiles).toEqual([]);
    expect(result.failures).toEqual([]);
  });

  it('when contracts are checked, then the documents given are left as they were (refresh writes what was compared)', async () => {
    const [released, current] = [await releasedContracts(), await releasedContracts()];
    delete current.openapi.paths['/api/planning/tasks/{id}/complete'];
    const [releasedCopy, currentCopy] = [structuredClone(released), structuredClone(current)];
    await checkContracts(released, current, intent());
    expect(released).toEqual(releasedCopy);
    expect(current).toEqual(currentCopy);
  });

  it('when a GraphQL field is removed, then the check fails naming the field and the file, and every known operation that used it', async () => {
    const released = await releasedContracts();
    const current = await withPlanningSdl(released, (sdl) => sdl.replace(/(type Task @key\(fields: "id"\) \{\n  id: ID!\n)  title: String!\n/, '$1'));
    const { failures } = await checkContracts(released, current, intent());
    expect(failures).toContain("GraphQL breaking: Field 'title' was removed from object type 'Task' (schema/planning.graphql, Task.title)");
    expect(failures).toContain("GraphQL breaking: Field 'title' was removed from object type 'Task' (supergraph, Task.title)");
    expect(failures).toContain('Operation breaking: operation \'TaskListPage\' no longer validates: Cannot query field "title" on type "Task". (src/components/operations)');
    expect(failures.some((f) => f.startsWith("Operation breaking: operation 'RestGetTask' no longer validates"))).toBe(true);
    expect(failures.at(-1)).toMatch(/breaking change\(s\): announce them with a major changeset/);
  });

  it('when a nullable argument becomes non-null, then the check fails naming the argument', async () => {
    const released = await releasedContracts();
    const current = await withPlanningSdl(released, (sdl) => sdl.replace(/(type Query \{[\s\S]*?  tasks\(\n    filter: TaskFilter)\n/, '$1!\n'));
    const { failures } = await checkContracts(released, current, intent());
    expect(failures).toContain("GraphQL breaking: Type for argument 'filter' on field 'Query.tasks' changed from 'TaskFilter' to 'TaskFilter!' (schema/planning.graphql, Query.tasks.filter)");
    expect(failures.some((f) => f.startsWith("Operation breaking: operation 'TaskListPage'") && f.includes('TaskFilter!'))).toBe(true);
  });

  it('when a known operation breaks through a new required argument, then the check fails naming the operation', async () => {
    const released = await releasedContracts();
    const current = await withPlanningSdl(released, (sdl) => sdl.replace('  project(id: ID!): Project\n', '  project(id: ID!, archived: Boolean!): Project\n'));
    const { failures } = await checkContracts(released, current, intent());
    expect(failures).toContain(
      'Operation breaking: operation \'RestGetProject\' no longer validates: Field "project" argument "archived" of type "Boolean!" is required, but it was not provided. (src/gateway/rest/rest-operations.ts)',
    );
  });

  it('when a REST route is removed, then the check fails naming the method and the path', async () => {
    const released = await releasedContracts();
    const current = structuredClone(released);
    delete current.openapi.paths['/api/planning/tasks/{id}/complete'];
    const { failures } = await checkContracts(released, current, intent());
    expect(failures).toContain(
      'REST breaking: operation removed: POST /api/planning/tasks/{id}/complete (src/gateway/rest, paths./api/planning/tasks/{id}/complete.post)',
    );
  });

  it('when a field of a REST response is removed, then the check fails naming the route, the status and the field', async () => {
    const released = await releasedContracts();
    const current = structuredClone(released);
    const task = current.openapi.components.schemas.Task;
    delete task.properties.dueDate;
    task.required = without(task.required, 'dueDate');
    const { failures } = await checkContracts(released, current, intent());
    expect(failures).toContain(
      'REST breaking: property `dueDate` removed at GET /api/planning/tasks/{id} response 200 field `dueDate` (src/gateway/rest, paths./api/planning/tasks/{id}.get.responses.200.content.application/json.schema.properties.dueDate)',
    );
    expect(failures).toContain(
      'REST breaking: "dueDate" is no longer required at GET /api/planning/tasks response 200 field `tasks[]` (src/gateway/rest, paths./api/planning/tasks.get.responses.200.content.application/json.schema.properties.tasks.items.required.5)',
    );
  });

  it('when a published event loses a required field, then the check fails naming the event, the field and its source file', async () => {
    const released = await releasedContracts();
    const current = structuredClone(released);
    const data = eventData(current, 'planning.task.created');
    delete data.properties.title;
    data.required = without(data.required, 'title');
    const { failures } = await checkContracts(released, current, intent());
    expect(failures).toContain(
      'Event breaking: planning.task.created (published): required field `payload.data.title` was removed (src/modules/tasks/task.events.ts, channel planning.task.created)',
    );
  });

  it('when a published event field is retyped, then the check fails naming the old and new types', async () => {
    const released = await releasedContracts();
    const current = structuredClone(released);
    eventData(current, 'planning.task.completed').properties.duration_minutes = { type: 'string' };
    const { failures, warnings } = await checkContracts(released, current, intent());
    expect(warnings).toEqual([]);
    expect(failures).toContain(
      'Event breaking: planning.task.completed (published): `payload.data.duration_minutes` was retyped from integer to string (src/modules/tasks/task.events.ts, channel planning.task.completed)',
    );
  });

  it('when a consumed event requires a field the released schema left optional, then the check fails', async () => {
    const released = await releasedContracts();
    const current = structuredClone(released);
    eventData(current, 'agents.workflow.suggested').required.push('campaign_id');
    const { failures } = await checkContracts(released, current, intent());
    expect(failures).toContain(
      'Event breaking: agents.workflow.suggested (consumed): field `payload.data.campaign_id` became required (src/consumers/workflow-suggested.handler.ts, channel agents.workflow.suggested)',
    );
  });

  it('when a published event enum loses a value, then the check fails; when it gains one, then it warns', async () => {
    const released = await releasedContracts();
    const narrowed = structuredClone(released);
    eventData(narrowed, 'planning.task.created').properties.priority.enum = ['low', 'medium', 'high'];
    expect((await checkContracts(released, narrowed, intent())).failures[0]).toMatch(/^Event breaking: planning.task.created \(published\): `payload.data.priority` no longer allows "urgent"/);
    const widened = structuredClone(released);
    eventData(widened, 'planning.task.created').properties.priority.enum.push('critical');
    const result = await checkContracts(released, widened, intent({ pendingBumps: ['minor'] }));
    expect(result.failures).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^Event dangerous: planning.task.created \(published\): `payload.data.priority` now allows "critical"/)]);
  });

  it('when a breaking change comes with a pending major changeset, then the check passes and still lists it', async () => {
    const released = await releasedContracts();
    const current = await withPlanningSdl(released, (sdl) => sdl.replace(/(type Query \{[\s\S]*?  tasks\(\n    filter: TaskFilter)\n/, '$1!\n'));
    const minor = await checkContracts(released, current, intent({ pendingBumps: ['minor'] }));
    expect(minor.failures.length).toBeGreaterThan(0);
    const major = await checkContracts(released, current, intent({ pendingBumps: ['patch', 'major'] }));
    expect(major.failures).toEqual([]);
    expect(major.breakingAnnounced).toBe(true);
    expect(major.changes.some((c) => c.severity === 'breaking')).toBe(true);
    expect(mayRefresh(major, intent({ pendingBumps: ['major'] }))).toBe(false);
  });

  it('when the release bumped the major version and its notes list major changes, then a breaking change passes and contracts/ may be refreshed', async () => {
    const released = await releasedContracts();
    const current = structuredClone(released);
    delete current.openapi.paths['/api/planning/tasks/{id}/complete'];
    const released1 = intent({ currentVersion: '1.0.0', changelogHasMajorChanges: true });
    const result = await checkContracts(released, current, released1);
    expect(result.failures).toEqual([]);
    expect(mayRefresh(result, released1)).toBe(true);
    const bumpedWithoutNotes = await checkContracts(released, current, intent({ currentVersion: '1.0.0' }));
    expect(bumpedWithoutNotes.failures.length).toBeGreaterThan(0);
  });

  it('when a field is added, then it is safe: the check passes with a pending changeset, and without one says contracts/ is stale', async () => {
    const released = await releasedContracts();
    const current = await withPlanningSdl(released, (sdl) => sdl.replace('  title: String!\n  description: String\n', '  title: String!\n  subtitle: String\n  description: String\n'));
    const announced = await checkContracts(released, current, intent({ pendingBumps: ['minor'] }));
    expect(announced.failures).toEqual([]);
    expect(announced.changes.map((c) => `${c.kind} ${c.severity}: ${c.message}`)).toContain("GraphQL safe: Field 'subtitle' was added to object type 'Task'");
    const unannounced = await checkContracts(released, current, intent());
    expect(unannounced.failures).toEqual([
      'contracts/ is stale (contracts/planning.graphql, contracts/supergraph.graphql differ from the code, with no breaking change): announce the change in a changeset (`npx changeset`) to release it with `npm run release`, or record a change that needs no release with `npm run contracts:refresh`',
    ]);
    expect(mayRefresh(unannounced, intent())).toBe(true);
  });

  it('when an enum value is added to a GraphQL enum, then it is dangerous: a warning, and the check passes', async () => {
    const released = await releasedContracts();
    const current = await withPlanningSdl(released, (sdl) => sdl.replace('  COMPLETED\n  ARCHIVED\n}', '  COMPLETED\n  ARCHIVED\n  BLOCKED\n}'));
    const result = await checkContracts(released, current, intent({ pendingBumps: ['minor'] }));
    expect(result.failures).toEqual([]);
    expect(result.warnings).toContain("GraphQL dangerous: Enum value 'BLOCKED' was added to enum 'TaskStatus' (schema/planning.graphql, TaskStatus.BLOCKED)");
  });
});
