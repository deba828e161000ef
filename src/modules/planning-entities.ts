import { ProjectSchema } from './projects/project.entity.js';
import { TaskSchema } from './tasks/task.entity.js';

/** The entities of the planning module, for the ORM of every role (`openOrm`, `openDatabase`). */
export const PLANNING_ENTITIES = [TaskSchema, ProjectSchema];
