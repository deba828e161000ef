import { ProjectSchema } from './projects/project.entity.js';
import { ShadowInsightSchema } from './shadow/shadow-insight.entity.js';
import { ShadowProfileSchema } from './shadow/shadow-profile.entity.js';
import { TaskSchema } from './tasks/task.entity.js';

/** The entities of the planning module, for the ORM of every role (`openOrm`, `openDatabase`). */
export const PLANNING_ENTITIES = [TaskSchema, ProjectSchema, ShadowProfileSchema, ShadowInsightSchema];
