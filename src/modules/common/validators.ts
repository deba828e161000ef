import { z } from 'zod';
import { BadUserInputError, type FieldProblem } from '../../platform/errors/planning-error.js';
import { JSON_PROBLEM_MESSAGES, jsonProblems, tooDeepPath } from '../../platform/json/json-problems.js';
import { PROJECT_MESSAGES } from '../../platform/validation/validation-messages.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A UUID (any version), as task and project ids are. */
export const entityId = z.string().regex(UUID_RE, 'must be a UUID').transform((id) => id.toLowerCase());

/** A user id as the identity module issues it. */
export const userId = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:@|-]+$/, 'may contain only letters, digits and . _ : @ | -');

/**
 * ISO 8601 date or date-time. Without a zone it is read as UTC; a date alone is midnight UTC. Impossible dates
 * (2026-02-30, 25:00) are refused rather than rolled over.
 */
export const isoDateTime = z.string().transform((value, ctx) => {
  const match = ISO_RE.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 date-time, e.g. 2026-11-25T17:00:00Z' });
    return z.NEVER;
  }
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac = '0', zone = 'Z'] = match;
  const normalizedZone = zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const ms = frac.padEnd(3, '0').slice(0, 3);
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${normalizedZone}`);
  const calendar = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  const valid =
    !Number.isNaN(date.getTime()) &&
    calendar.getUTCMonth() === Number(mo) - 1 &&
    calendar.getUTCDate() === Number(d) &&
    Number(h) < 24 &&
    Number(mi) < 60 &&
    Number(s) < 60 &&
    Number(y) >= 1900 &&
    Number(y) <= 9999;
  if (!valid) {
    ctx.addIssue({ code: 'custom', message: 'is not a valid calendar date-time' });
    return z.NEVER;
  }
  return date;
});

/** A JSON object of bounded size (16 KiB serialised). */
export const jsonObject = z
  .record(z.string(), z.unknown(), { message: 'must be a JSON object' })
  .refine((value) => tooDeepPath(value) === undefined, JSON_PROBLEM_MESSAGES.depth)
  .refine((value) => tooDeepPath(value) !== undefined || JSON.stringify(value).length <= 16_384, 'must be at most 16 KiB of JSON');

/**
 * Parses `value` with `schema`; failures become one BAD_USER_INPUT listing every offending field, each path
 * prefixed with `prefix` (e.g. `input` -> `input.title`).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix: string): z.output<S> {
  const unstorable = unstorableProblems(value, prefix);
  // A value nested too deep is refused before the schema walks it (its checks may recurse).
  if (unstorable.some((p) => p.message === JSON_PROBLEM_MESSAGES.depth)) throw new BadUserInputError(unstorable);
  const result = schema.safeParse(value, PROJECT_MESSAGES);
  if (result.success && unstorable.length === 0) return result.data;
  throw new BadUserInputError([...unstorable, ...(result.success ? [] : problemsOf(result.error, prefix))]);
}

/** Parses each item like {@link parseInput}; one BAD_USER_INPUT lists the offending fields of every bad item. */
export function parseEach<S extends z.ZodType>(schema: S, values: readonly unknown[], prefixOf: (index: number) => string): Array<z.output<S>> {
  const unstorable = values.map((value, i) => unstorableProblems(value, prefixOf(i)));
  if (unstorable.some((problems) => problems.some((p) => p.message === JSON_PROBLEM_MESSAGES.depth))) throw new BadUserInputError(unstorable.flat());
  const results = values.map((value) => schema.safeParse(value, PROJECT_MESSAGES));
  const problems = results.flatMap((result, i) => [...unstorable[i]!, ...(result.success ? [] : problemsOf(result.error, prefixOf(i)))]);
  if (problems.length > 0) throw new BadUserInputError(problems);
  return results.map((result) => result.data as z.output<S>);
}

export const NUL_MESSAGE = JSON_PROBLEM_MESSAGES.nul;

/**
 * What PostgreSQL's text and jsonb cannot store (U+0000, lone surrogates) and nesting past `MAX_JSON_DEPTH` (32 levels),
 * as field problems under `prefix`: refused up front, naming the place, rather than failing in the database or
 * overflowing the stack of a recursive walk later.
 */
export function unstorableProblems(value: unknown, prefix: string): FieldProblem[] {
  return jsonProblems(value).map(({ path, kind }) => ({ field: [prefix, ...path].filter(Boolean).join('.'), message: JSON_PROBLEM_MESSAGES[kind] }));
}

function problemsOf(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}
