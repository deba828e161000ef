import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const PROJECT_STATUSES = ['ACTIVE', 'ARCHIVED'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** A project groups an org's tasks. */
export const ProjectSchema = defineEntity({
  name: 'Project',
  tableName: 'planning_projects',
  properties: {
    id: p.uuid().primary(),
    orgId: p.string().length(128),
    name: p.string().length(200),
    description: p.text().nullable(),
    color: p.string().length(7).nullable(),
    icon: p.string().length(50).nullable(),
    status: p.string().length(16).$type<ProjectStatus>(),
    ownerId: p.string().length(128),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    version: p.integer().version(),
  },
});

/** A project row as the ORM hands it out. */
export type Project = InferEntity<typeof ProjectSchema>;
