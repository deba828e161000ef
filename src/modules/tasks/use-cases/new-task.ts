import { readingOrderKey } from '../../../platform/text/reading-order.js';
import type { Task } from '../task.entity.js';
import type { CreateTaskInput } from '../task.inputs.js';

/** Where a new task goes and who creates it, once its project and position are settled. */
export interface NewTaskPlacement {
  id: string;
  orgId: string;
  ownerId: string;
  projectId: string | null;
  position: number;
  now: Date;
}

/** The fields of a new task: the one definition of a creation's defaults, for the API and the event consumer. */
export function newTaskData(input: CreateTaskInput, placed: NewTaskPlacement): Task {
  return {
    id: placed.id,
    orgId: placed.orgId,
    title: input.title,
    titleKey: readingOrderKey(input.title),
    description: input.description ?? null,
    status: input.status ?? 'PENDING',
    priority: input.priority ?? 'MEDIUM',
    dueDate: input.dueDate ?? null,
    completedAt: input.status === 'COMPLETED' ? placed.now : null,
    estimatedMinutes: input.estimatedMinutes ?? null,
    actualMinutes: input.actualMinutes ?? null,
    energyRequired: input.energyRequired ?? null,
    tags: input.tags ?? [],
    position: placed.position,
    projectId: placed.projectId,
    parentId: input.parentId ?? null,
    ownerId: placed.ownerId,
    assigneeId: input.assigneeId ?? null,
    metadata: input.metadata ?? {},
    createdAt: placed.now,
    updatedAt: placed.now,
    version: 1,
  };
}
