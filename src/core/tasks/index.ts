/** The task registry: every task a config can name, and the custom task built from a config. */
import type { TaskConfig, TaskId } from '../config';
import { bandit } from './bandit';
import { customTask } from './custom';
import { cycle } from './cycle';
import { dataTask } from './data';
import { helpful } from './helpful';
import { sorting } from './sorting';
import type { GoldTask, Task } from './task';

export const TASKS: Record<TaskId, GoldTask> = { bandit, helpful, sorting, cycle };

/** The task a config describes. */
export function taskFor(config: TaskConfig): Task {
  if (config.id === 'custom') return customTask(config);
  if (config.id === 'data') return dataTask(config);
  return TASKS[config.id];
}

export * from './task';
