/**
 * The hyperparameters of each method as plain field descriptions, read from the config
 * schema itself, so the form, its hints and the reference defaults cannot drift from what
 * `parseConfig` accepts.
 */
import { z } from 'zod';
import { MethodConfig, type MethodId } from './config';

export type MethodField =
  | { key: string; kind: 'number'; integer: boolean; nullable: boolean; hint: string; defaultValue: number | null }
  | { key: string; kind: 'enum'; options: string[]; hint: string; defaultValue: string }
  | { key: string; kind: 'boolean'; hint: string; defaultValue: boolean }
  /** A nullable sub-object (e.g. PPO's adaptive KL controller): on with its defaults, or null. */
  | { key: string; kind: 'toggle'; hint: string; defaultValue: boolean; onValue: unknown };

/** The zod object of one method. */
function schemaOf(id: MethodId): z.ZodObject {
  const found = MethodConfig.options.find((o) => (o.shape.id as z.ZodLiteral).value === id);
  if (!found) throw new Error(`Unknown method "${id}".`);
  return found as unknown as z.ZodObject;
}

/** A method config with every default filled in. */
export function methodDefaults(id: MethodId): MethodConfig {
  return MethodConfig.parse({ id });
}

/** The editable fields of a method, in schema order (the `id` excluded). */
export function methodFields(id: MethodId): MethodField[] {
  const defaults = methodDefaults(id) as Record<string, unknown>;
  const fields: MethodField[] = [];
  for (const [key, schema] of Object.entries(schemaOf(id).shape)) {
    if (key === 'id') continue;
    const hint = (schema as z.ZodType).description ?? '';
    let inner = schema as z.ZodType;
    while (inner instanceof z.ZodDefault) inner = inner.unwrap() as z.ZodType;
    const nullable = inner instanceof z.ZodNullable;
    if (nullable) inner = (inner as z.ZodNullable).unwrap() as z.ZodType;
    const value = defaults[key];
    if (inner instanceof z.ZodNumber) {
      fields.push({ key, kind: 'number', integer: Boolean(inner.isInt), nullable, hint, defaultValue: value as number | null });
    } else if (inner instanceof z.ZodEnum) {
      fields.push({ key, kind: 'enum', options: inner.options.map(String), hint, defaultValue: value as string });
    } else if (inner instanceof z.ZodBoolean) {
      fields.push({ key, kind: 'boolean', hint, defaultValue: value as boolean });
    } else if (inner instanceof z.ZodObject && nullable) {
      fields.push({ key, kind: 'toggle', hint, defaultValue: value !== null, onValue: inner.parse({}) });
    }
  }
  return fields;
}
