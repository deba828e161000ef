import type { Caller } from '../modules/common/caller.js';
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
}
