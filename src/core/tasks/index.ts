/** The task registry: every task the config can name. */
import type { TaskId } from '../config';
import { bandit } from './bandit';
import { helpful } from './helpful';
import type { Task } from './task';

export const TASKS: Record<TaskId, Task> = { bandit, helpful };

export function getTask(id: TaskId): Task {
  return TASKS[id];
}

export * from './task';
