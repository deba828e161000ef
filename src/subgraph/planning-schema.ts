import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { parse, type GraphQLSchema } from 'graphql';
import type { Resolvers } from '../generated/planning-resolvers.js';
import { Project, projectMutations, projectQueries } from '../modules/projects/project.resolvers.js';
import { Task, taskMutations, taskQueries } from '../modules/tasks/task.resolvers.js';
import { FlowMemorySession, flowMemoryMutations, flowMemoryQueries, ScoredFlowMemoryInteraction } from '../modules/flow-memory/flow-memory.resolvers.js';
import {
  ProductivityReport,
  ProjectScope,
  ShadowArchetypeInfo,
  ShadowFinding,
  ShadowInsight,
  ShadowProfile,
  shadowMutations,
  shadowQueries,
  TaskSample,
} from '../modules/shadow/shadow.resolvers.js';
import { DateTimeScalar, JSONScalar } from './scalars.js';

/** The planning SDL, the source of truth (codegen and composition read the same file). */
export const PLANNING_SDL_URL = new URL('../../schema/planning.graphql', import.meta.url);

export const planningResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: { ...taskQueries, ...projectQueries, ...shadowQueries, ...flowMemoryQueries },
  Mutation: { ...taskMutations, ...projectMutations, ...shadowMutations, ...flowMemoryMutations },
  Task,
  Project,
  ShadowProfile,
  ShadowInsight,
  ShadowFinding,
  ShadowArchetypeInfo,
  TaskSample,
  ProjectScope,
  ProductivityReport,
  FlowMemorySession,
  ScoredFlowMemoryInteraction,
  TaskConnection: { totalCount: (connection) => connection.totalCount() },
  ProjectConnection: { totalCount: (connection) => connection.totalCount() },
};

/** Builds the executable planning subgraph schema (Federation 2). */
export function buildPlanningSchema(): GraphQLSchema {
  const typeDefs = parse(readFileSync(PLANNING_SDL_URL, 'utf8'));
  return buildSubgraphSchema({ typeDefs, resolvers: planningResolvers as GraphQLResolverMap<unknown> });
}
