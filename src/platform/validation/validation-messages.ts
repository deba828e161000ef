import type { z } from 'zod';

type Issue = Parameters<z.core.$ZodErrorMap>[0];

const ARTICLE: Record<string, string> = { integer: 'an integer', int: 'an integer', object: 'a JSON object', array: 'a list', array_like: 'a list', date: 'a date' };
const nameOf = (expected: string) => ARTICLE[expected] ?? `a ${expected}`;
const units = (origin: string) => (origin === 'string' ? ' characters' : origin === 'array' || origin === 'set' ? ' items' : '');
const plural = (count: number | bigint, unit: string) => (Number(count) === 1 ? unit.replace(/s$/, '') : unit);

/**
 * The project's wording for every validation failure a schema did not word itself: `required`, `must be a string`,
 * `must be at most 500 characters`, `must be one of: TODO, DONE`. Passed per parse (`safeParse(value, { error:
 * validationMessages })`) rather than set globally, so a host embedding the module keeps its own zod messages.
 * Undefined leaves a case to zod (none of the codes below).
 */
export const validationMessages = ((issue: Issue): string | undefined => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      if (issue.input === null) return 'must not be null';
      return `must be ${nameOf(String(issue.expected))}`;
    case 'too_small': {
      const unit = units(issue.origin);
      if (issue.origin === 'string' && Number(issue.minimum) === 1) return 'must not be empty';
      if (issue.origin === 'array' && Number(issue.minimum) === 1) return 'must have at least one item';
      if (issue.exact) return `must be exactly ${issue.minimum}${plural(issue.minimum, unit)}`;
      if (unit === ' items') return `must have at least ${issue.minimum}${plural(issue.minimum, unit)}`;
      return issue.inclusive === false ? `must be greater than ${issue.minimum}` : `must be at least ${issue.minimum}${plural(issue.minimum, unit)}`;
    }
    case 'too_big': {
      const unit = units(issue.origin);
      if (issue.exact) return `must be exactly ${issue.maximum}${plural(issue.maximum, unit)}`;
      if (unit === ' items') return `must have at most ${issue.maximum}${plural(issue.maximum, unit)}`;
      return issue.inclusive === false ? `must be less than ${issue.maximum}` : `must be at most ${issue.maximum}${plural(issue.maximum, unit)}`;
    }
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${JSON.stringify(issue.values[0])}` : `must be one of: ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      return `must be a valid ${issue.format === 'regex' ? 'value' : issue.format}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'field' : 'fields'}: ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'does not match any accepted shape';
    case 'invalid_key':
      return 'has an invalid key';
    case 'invalid_element':
      return 'has an invalid value';
    case 'custom':
      return 'is invalid';
    default:
      return undefined;
  }
}) as z.core.$ZodErrorMap;

/** Options for `safeParse`/`parse` that word every failure in the project's own terms. */
export const PROJECT_MESSAGES = { error: validationMessages } as const;
