import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PROJECT_MESSAGES } from '../../../src/platform/validation/validation-messages.js';

const messagesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value, PROJECT_MESSAGES);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('validation messages: the project\'s wording, not the library\'s', () => {
  const input = z.strictObject({
    title: z.string().max(5),
    count: z.number().int().min(0).max(10),
    done: z.boolean(),
    tags: z.array(z.string()).min(1).max(2),
    status: z.enum(['TODO', 'DONE']),
    id: z.uuid(),
    ratio: z.number().gt(0).lt(1),
    code: z.string().length(3),
  });

  it('when fields are missing, then each is "required"', () => {
    expect(messagesOf(z.object({ title: z.string(), done: z.boolean() }), {})).toEqual(['title: required', 'done: required']);
  });

  it('when fields have the wrong type, the wrong size, or an unknown value, then each message says what is expected', () => {
    expect(
      messagesOf(input, { title: 'too long', count: 1.5, done: 'no', tags: [], status: 'LATER', id: 'x', ratio: 1, code: 'ab', extra: 1 }),
    ).toEqual([
      'title: must be at most 5 characters',
      'count: must be an integer',
      'done: must be a boolean',
      'tags: must have at least one item',
      'status: must be one of: TODO, DONE',
      'id: must be a valid uuid',
      'ratio: must be less than 1',
      'code: must be exactly 3 characters',
      ': unknown field: extra',
    ]);
    expect(messagesOf(input.shape.count, -1)).toEqual([': must be at least 0']);
    expect(messagesOf(input.shape.tags, ['a', 'b', 'c'])).toEqual([': must have at most 2 items']);
    expect(messagesOf(input.shape.title, null)).toEqual([': must not be null']);
    expect(messagesOf(input.shape.title, 5)).toEqual([': must be a string']);
    expect(messagesOf(input.shape.ratio, 0)).toEqual([': must be greater than 0']);
  });

  it('when a schema words a failure itself, then its words win', () => {
    expect(messagesOf(z.string().min(1, 'must name the task'), '')).toEqual([': must name the task']);
  });

  it('when no options are passed, then zod keeps its own messages (a host embedding the module is not changed)', () => {
    const result = z.string().safeParse(5);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).not.toBe('must be a string');
  });
});
