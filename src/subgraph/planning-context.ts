import type DataLoader from 'dataloader';
import type { Caller } from '../modules/common/caller.js';
import type { FlowMemoryDeps } from '../modules/flow-memory/flow-memory-deps.js';
import type { ShadowInsight } from '../modules/shadow/shadow-insight.entity.js';
import type { ShadowDeps } from '../modules/shadow/shadow-deps.js';
import type { ProjectService } from '../modules/projects/project.service.js';
import type { TaskService } from '../modules/tasks/task.service.js';
import type { AnswerSizeLimit } from './answer-size.js';
import type { PlanningLoaders } from './planning-loaders.js';

/** What every resolver receives: the established caller, the use cases, and this request's batch loaders. */
export interface PlanningContext {
  caller: Caller;
  tasks: TaskService;
  projects: ProjectService;
  loaders: PlanningLoaders;
  /** Bounds the list items of this request's answer (see answer-size.ts). */
  answerSize: AnswerSizeLimit;
  /** Shadow AI's use cases work with these (src/modules/shadow). */
  shadow: ShadowDeps;
  /** The caller's unlocked shadow insights by id (`_entities`). */
  shadowInsights: DataLoader<string, ShadowInsight | null>;
  /** Flow Memory's use cases work with these (src/modules/flow-memory). */
  flowMemory: FlowMemoryDeps;
}
