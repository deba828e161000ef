import { z } from 'zod';
import type { DomainEvent } from '../../platform/outbox/envelope.js';

/** Payload schemas of project events (`data` of the envelope); see docs/events.md. */
export const projectEventSchemas = {
  'planning.project.created': z.object({ project_id: z.uuid() }),
  'planning.project.updated': z.object({ project_id: z.uuid() }),
  'planning.project.archived': z.object({ project_id: z.uuid() }),
  'planning.project.deleted': z.object({ project_id: z.uuid() }),
} as const;

export type ProjectEventType = keyof typeof projectEventSchemas;

export const projectEvent = (type: ProjectEventType, projectId: string): DomainEvent => ({
  type,
  aggregateId: projectId,
  data: projectEventSchemas[type].parse({ project_id: projectId }),
});
