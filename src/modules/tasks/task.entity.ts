import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PriorityType } from './priority.type.js';
import type { EnergyLevel, TaskMetadata, TaskPriority, TaskStatus } from './task.values.js';

/**
 * A task of an org. Its row also has `created_seq`, the order in which tasks were inserted (an identity column the
 * database fills, so no writer can forget it): not mapped here, the ORM never writes it; reads see it as
 * `TaskRow.createdSeq` (task.rows.ts). Relations (project, parent) are plain id columns: every traversal goes through a
 * per-request DataLoader, so the ORM never lazy-loads behind a resolver's back.
 */
export const TaskSchema = defineEntity({
  name: 'Task',
  tableName: 'planning_tasks',
  properties: {
    id: p.uuid().primary(),
    orgId: p.string().length(128),
    title: p.string().length(500),
    /** The title's reading-order key (`readingOrderKey`), written with the title: what TITLE ordering compares. */
    titleKey: p.text(),
    description: p.text().nullable(),
    status: p.string().length(16).$type<TaskStatus>(),
    priority: p.type(PriorityType).$type<TaskPriority>(),
    dueDate: p.datetime().nullable(),
    completedAt: p.datetime().nullable(),
    estimatedMinutes: p.integer().nullable(),
    actualMinutes: p.integer().nullable(),
    energyRequired: p.string().length(8).$type<EnergyLevel>().nullable(),
    tags: p.array().columnType('text[]'),
    position: p.integer(),
    projectId: p.uuid().nullable(),
    parentId: p.uuid().nullable(),
    ownerId: p.string().length(128),
    assigneeId: p.string().length(128).nullable(),
    metadata: p.json<TaskMetadata>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    version: p.integer().version(),
  },
});

/** A task row as the ORM hands it out. */
export type Task = InferEntity<typeof TaskSchema>;
