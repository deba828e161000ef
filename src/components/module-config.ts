import { PACKAGE_VERSION } from './generated/package-version.js';

/** One screen of the planning module in the host's navigation. */
export interface ModuleRoute {
  /** The host route, e.g. `/tasks`. */
  readonly path: string;
  /** What the navigation shows. */
  readonly title: string;
  /** A Lucide icon name (https://lucide.dev/icons), as {@link MODULE_CONFIG.icon}. */
  readonly icon: string;
}

/**
 * How the platform's shell presents the planning module: its name and looks, its screens, where its API lives,
 * what it can do and which events it speaks. The same object on the server (`@ocelot-apps/focus-kraliki`) and in
 * the browser (`@ocelot-apps/focus-kraliki/components`).
 *
 * @example
 * import { MODULE_CONFIG } from '@ocelot-apps/focus-kraliki';
 * nav.register({ id: MODULE_CONFIG.name, label: MODULE_CONFIG.displayName, routes: MODULE_CONFIG.routes });
 */
export const MODULE_CONFIG = {
  name: 'focus-kraliki',
  displayName: 'Planning',
  description: 'Tasks and projects, with the tasks other modules ask for (call-backs, AI-suggested workflows)',
  /** A Lucide icon name. */
  icon: 'list-checks',
  /** The module's accent color (hex). */
  color: '#3B82F6',
  /** This package's version (package.json). */
  version: PACKAGE_VERSION,
  /** Where the REST API is mounted on the host; `createPlanningModule` serves it there. */
  apiBase: '/api/planning',
  /** The platform's GraphQL endpoint, which the planning subgraph is composed into. */
  graphqlEndpoint: '/graphql',
  routes: [
    { path: '/tasks', title: 'Tasks', icon: 'list-checks' },
    { path: '/projects', title: 'Projects', icon: 'folder-kanban' },
    { path: '/shadow', title: 'Shadow', icon: 'sparkles' },
    { path: '/flow-memory', title: 'Flow Memory', icon: 'brain' },
  ] satisfies readonly ModuleRoute[],
  /** What the module offers, by feature. */
  capabilities: ['tasks', 'projects', 'subtasks', 'task-ordering', 'shadow', 'flow-memory', 'graphql-federation', 'rest-api', 'events'],
  events: {
    /** Other modules' events that become tasks (`handleEvent`, or the queue `planning.events`). */
    consumes: ['comms.call.ended', 'agents.workflow.suggested'],
    /** What the module publishes (through the host's `eventPublisher`, or RabbitMQ). */
    publishes: [
      'planning.task.created',
      'planning.task.updated',
      'planning.task.completed',
      'planning.task.reopened',
      'planning.task.deleted',
      'planning.project.created',
      'planning.project.updated',
      'planning.project.archived',
      'planning.project.deleted',
    ],
  },
} as const;

/** The type of {@link MODULE_CONFIG}. */
export type ModuleConfig = typeof MODULE_CONFIG;
