/** The task registry: every task a config can name, and the custom task built from a config. */
import type { TaskConfig, TaskId } from '../config';
import { bandit } from './bandit';
import { customTask } from './custom';
import { cycle } from './cycle';
import { helpful } from './helpful';
import { sorting } from './sorting';
import type { Task } from './task';

export const TASKS: Record<TaskId, Task> = { bandit, helpful, sorting, cycle };

/** The task a config describes. */
export function taskFor(config: TaskConfig): Task {
  return config.id === 'custom' ? customTask(config) : TASKS[config.id];
}

export * from './task';
