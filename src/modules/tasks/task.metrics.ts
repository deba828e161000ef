import { Counter, Histogram, type Registry } from 'prom-client';
import type { TaskActivity } from './task.activity.js';

/**
 * `planning_tasks_created_total{source}`, `planning_tasks_completed_total` and `planning_task_completion_seconds`
 * (creation to completion). Fed with committed changes only (see {@link TaskActivity}).
 */
export class TaskMetrics {
  private readonly created: Counter<'source'>;
  private readonly completed: Counter;
  private readonly completionSeconds: Histogram;

  constructor(registry: Registry) {
    this.created = new Counter({
      name: 'planning_tasks_created_total',
      help: 'Tasks created (committed), by source',
      labelNames: ['source'],
      registers: [registry],
    });
    this.completed = new Counter({ name: 'planning_tasks_completed_total', help: 'Tasks completed (committed)', registers: [registry] });
    this.completionSeconds = new Histogram({
      name: 'planning_task_completion_seconds',
      help: 'Time from a task’s creation to its completion',
      buckets: [60, 300, 900, 3600, 4 * 3600, 8 * 3600, 86_400, 3 * 86_400, 7 * 86_400, 30 * 86_400],
      registers: [registry],
    });
  }

  readonly record = (activity: TaskActivity[]): void => {
    for (const item of activity) {
      if (item.kind === 'created') this.created.inc({ source: item.source });
      else {
        this.completed.inc();
        this.completionSeconds.observe(item.secondsSinceCreation);
      }
    }
  };
}
