import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCaller, createTask, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { CREATE_TASK, GET_TASK, MOVE_TASK, UPDATE_TASK, countTasks, expectBadUserInput, readTask } from './task-api.js';

const twentyOneTags = Array.from({ length: 21 }, (_, i) => `tag-${i}`);

/** Inputs that are well-formed GraphQL but break a rule of the use case, with the field they must be blamed on. */
const badFields: Array<[string, Record<string, unknown>, string]> = [
  ['an empty title', { title: '' }, 'title'],
  ['a whitespace-only title', { title: ' \t\n ' }, 'title'],
  ['a 501-character title', { title: 'x'.repeat(501) }, 'title'],
  ['a description over 10,000 characters', { description: 'd'.repeat(10_001) }, 'description'],
  ['dueDate "not-a-date"', { dueDate: 'not-a-date' }, 'dueDate'],
  ['dueDate "2026-02-30"', { dueDate: '2026-02-30' }, 'dueDate'],
  ['dueDate "2026-13-01T00:00:00Z"', { dueDate: '2026-13-01T00:00:00Z' }, 'dueDate'],
  ['dueDate at hour 25', { dueDate: '2026-11-25T25:00:00Z' }, 'dueDate'],
  ['21 tags', { tags: twentyOneTags }, 'tags'],
  ['an empty tag', { tags: ['ok', ''] }, 'tags.1'],
  ['a 51-character tag', { tags: ['t'.repeat(51)] }, 'tags.0'],
  ['metadata that is an array', { metadata: [1, 2] }, 'metadata'],
  ['metadata that is a string', { metadata: 'source=api' }, 'metadata'],
  ['metadata that is a number', { metadata: 42 }, 'metadata'],
  ['a negative estimatedMinutes', { estimatedMinutes: -1 }, 'estimatedMinutes'],
  ['a negative actualMinutes', { actualMinutes: -30 }, 'actualMinutes'],
  ['a malformed projectId', { projectId: 'project-1' }, 'projectId'],
  ['a malformed parentId', { parentId: 'nope' }, 'parentId'],
  ['an assigneeId with spaces', { assigneeId: 'not a user' }, 'assigneeId'],
  ['a NUL character in the title', { title: 'Call\u0000back' }, 'title'],
  ['a NUL character in the description', { description: 'line\u0000' }, 'description'],
  ['a NUL character in a tag', { tags: ['ok', 'b\u0000d'] }, 'tags.1'],
  ['a NUL character in a metadata value', { metadata: { note: { deep: 'x\u0000' } } }, 'metadata.note.deep'],
];

describe('bad task input', () => {
  let app: TestPlanningApp;
  beforeAll(async () => {
    app = await startTestPlanningApp();
  });
  afterAll(async () => app?.close());

  it.each(badFields)('when createTask gets %s, then BAD_USER_INPUT names it and no task is written', async (_case, input, field) => {
    const caller = aCaller();

    const result = await app.gql(caller, CREATE_TASK, { input: { title: 'Valid title', ...input } });

    expectBadUserInput(result, `input.${field}`);
    expect(await countTasks(app, caller)).toBe(0);
  });

  it.each(badFields.filter(([, input]) => !('parentId' in input)))(
    'when updateTask gets %s, then BAD_USER_INPUT names it and the task is unchanged',
    async (_case, input, field) => {
      const caller = aCaller();
      const task = await createTask(app, caller, { title: 'Kept', tags: ['kept'], metadata: { source: 'api' } });

      const result = await app.gql(caller, UPDATE_TASK, { id: task.id, input });

      expectBadUserInput(result, `input.${field}`);
      const { subtasks: _subtasks, ...read } = await readTask(app, caller, task.id);
      expect(read).toEqual(task);
    },
  );

  it('when updateTask sets the title to null, then BAD_USER_INPUT names input.title and the title stays', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { title: 'Required' });

    const result = await app.gql(caller, UPDATE_TASK, { id: task.id, input: { title: null } });

    expectBadUserInput(result, 'input.title');
    expect(await readTask(app, caller, task.id)).toMatchObject({ title: 'Required', version: 1 });
  });

  it('when several fields are bad at once, then one BAD_USER_INPUT names every one of them', async () => {
    const caller = aCaller();

    const result = await app.gql(caller, CREATE_TASK, {
      input: { title: '  ', dueDate: '2026-02-30', estimatedMinutes: -1, tags: twentyOneTags },
    });

    const error = expectBadUserInput(result, 'input.title', 'input.dueDate', 'input.estimatedMinutes', 'input.tags');
    expect(error.extensions?.fields).toHaveLength(4);
    expect(await countTasks(app, caller)).toBe(0);
  });

  it('when a priority is not one of the enum values, then the request fails before running and writes nothing', async () => {
    const caller = aCaller();

    const result = await app.gql(caller, CREATE_TASK, { input: { title: 'Enum', priority: 'CRITICAL' } });

    // graphql-js refuses the variable before any resolver runs, naming it and the bad value.
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/\$input.*priority.*"CRITICAL"|"CRITICAL".*priority/s);
    expect(result.data?.createTask ?? null).toBeNull();
    expect(await countTasks(app, caller)).toBe(0);
  });

  it('when an enum value is unknown in an update, then the request fails and the task is unchanged', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller);

    const result = await app.gql(caller, UPDATE_TASK, { id: task.id, input: { status: 'DONE' } });

    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toMatch(/status/);
    expect(result.errors?.[0]?.message).toContain('"DONE"');
    expect(await readTask(app, caller, task.id)).toMatchObject({ status: 'PENDING', version: 1 });
  });

  it('when an unknown enum value is written inline in the query, then the request fails and writes nothing', async () => {
    const caller = aCaller();

    const result = await app.gql(caller, 'mutation { createTask(input: { title: "Inline", energyRequired: EXTREME }) { id } }');

    // A literal is checked by validation, which names the enum and the value.
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toMatch(/EnergyLevel.*EXTREME|EXTREME.*EnergyLevel/);
    expect(await countTasks(app, caller)).toBe(0);
  });

  it('when task(id) gets a malformed id, then BAD_USER_INPUT names id', async () => {
    const caller = aCaller();

    const result = await app.gql(caller, GET_TASK, { id: 'nope' });

    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: ['id'] });
  });

  it('when updateTask gets a malformed id, then BAD_USER_INPUT names id and nothing changes', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { title: 'Untouched' });

    const result = await app.gql(caller, UPDATE_TASK, { id: 'nope', input: { title: 'Changed' } });

    expectBadUserInput(result, 'id');
    expect(await readTask(app, caller, task.id)).toMatchObject({ title: 'Untouched', version: 1 });
  });

  it('when moveTask gets a malformed id, then BAD_USER_INPUT names id', async () => {
    const caller = aCaller();

    expectBadUserInput(await app.gql(caller, MOVE_TASK, { id: 'nope', input: { position: 0 } }), 'id');
  });

  it('when expectedVersion is zero, then BAD_USER_INPUT names expectedVersion and nothing changes', async () => {
    const caller = aCaller();
    const task = await createTask(app, caller, { title: 'Versioned' });

    const result = await app.gql(caller, UPDATE_TASK, { id: task.id, input: { title: 'Changed' }, expectedVersion: 0 });

    expectBadUserInput(result, 'expectedVersion');
    expect(await readTask(app, caller, task.id)).toMatchObject({ title: 'Versioned', version: 1 });
  });

  it('when the idempotency key is empty, then BAD_USER_INPUT names idempotencyKey and nothing is written', async () => {
    const caller = aCaller();

    expectBadUserInput(await app.gql(caller, CREATE_TASK, { input: { title: 'Keyed' }, key: '' }), 'idempotencyKey');
    expect(await countTasks(app, caller)).toBe(0);
  });
});
