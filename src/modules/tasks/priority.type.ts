import { Type } from '@mikro-orm/core';
import { priorityFromRank, priorityRank, type TaskPriority } from './task.values.js';

/** Stores a priority as its rank (smallint 1..4) so that ORDER BY priority follows LOW < ... < URGENT. */
export class PriorityType extends Type<TaskPriority, number> {
  override convertToDatabaseValue(value: TaskPriority | number): number {
    return typeof value === 'number' ? value : priorityRank(value);
  }

  override convertToJSValue(value: number | TaskPriority): TaskPriority {
    return typeof value === 'string' ? value : priorityFromRank(Number(value));
  }

  override getColumnType(): string {
    return 'smallint';
  }

  override compareAsType(): string {
    return 'string';
  }
}
