/**
 * Helpers for stage configs: each stage exports `DEFAULT_X_CONFIG` (frozen) and
 * `validateXConfig(partial) -> XConfig` built from these checks, which throw a
 * ConfigError naming the field and the value.
 */
import { ConfigError } from '../errors/index.js';

export function checkNumber(
  field: string,
  value: unknown,
  opts: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): number {
  const { min, max, integer = false, exclusiveMin = false } = opts;
  const range =
    `${integer ? 'an integer' : 'a finite number'}` +
    (min !== undefined ? ` ${exclusiveMin ? '>' : '>='} ${min}` : '') +
    (max !== undefined ? `${min !== undefined ? ' and' : ''} <= ${max}` : '');
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ConfigError(field, range, value);
  if (integer && !Number.isInteger(value)) throw new ConfigError(field, range, value);
  if (min !== undefined && (exclusiveMin ? value <= min : value < min)) throw new ConfigError(field, range, value);
  if (max !== undefined && value > max) throw new ConfigError(field, range, value);
  return value;
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(field, 'true or false', value);
  return value;
}

export function checkOneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(field, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`, value);
  }
  return value as T;
}

/**
 * Merge a partial config over frozen defaults, rejecting unknown keys
 * (a typo such as `minSpeechSecs` should fail loudly, not be ignored).
 */
export function mergeConfig<T extends object>(section: string, defaults: Readonly<T>, partial: unknown): T {
  if (partial === undefined || partial === null) return { ...defaults };
  if (typeof partial !== 'object' || Array.isArray(partial)) {
    throw new ConfigError(section, 'an object of options', partial);
  }
  for (const key of Object.keys(partial)) {
    if (!(key in defaults)) {
      throw new ConfigError(`${section}.${key}`, `one of the known options (${Object.keys(defaults).join(', ')})`, 'an unknown option');
    }
  }
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [k, v] of Object.entries(partial)) if (v !== undefined) merged[k] = v;
  return merged as T;
}

export type NumberBounds = { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean };

/**
 * Merge a partial config over its frozen defaults and check every numeric field against its
 * bounds (fields named `section.field` in errors). Cross-field rules stay with the caller.
 */
export function validateNumbers<T extends object>(
  section: string,
  defaults: Readonly<T>,
  partial: unknown,
  bounds: { [K in keyof T]?: NumberBounds | ((c: T) => NumberBounds) },
): T {
  const c = mergeConfig(section, defaults, partial);
  for (const [field, b] of Object.entries(bounds) as Array<[keyof T & string, NumberBounds | ((c: T) => NumberBounds)]>) {
    checkNumber(section ? `${section}.${field}` : field, c[field], typeof b === 'function' ? b(c) : b);
  }
  return c;
}
