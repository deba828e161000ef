import type { ArchetypeName } from './archetypes.js';
import type { Phase } from './journey.js';
import type { Finding } from './productivity-analysis.js';

/**
 * The optional language-model port: given a day's deterministic reflection and the finding it is paired with,
 * returns the text to show instead (or undefined to keep the reflection). None is configured by default, so Shadow AI
 * is deterministic and calls no network; a composition root may pass one (`startPlanningSubgraph({ shadow: {
 * narrator } })`). Whatever it answers is bounded to {@link MAX_NARRATION_CHARS}; a failure or a call slower than
 * {@link NARRATION_TIMEOUT_MS} keeps the reflection.
 *
 * @example
 * const narrator: InsightNarrator = { narrate: async ({ reflection, finding }) => `${reflection} (${finding?.message ?? ''})` };
 */
export interface InsightNarrator {
  narrate(input: { archetype: ArchetypeName; day: number; phase: Phase; reflection: string; finding: Finding | null }): Promise<string | undefined>;
}

export const NARRATION_TIMEOUT_MS = 2_000;
export const MAX_NARRATION_CHARS = 2_000;

/** The narrator's text when it answers in time with something usable, else the reflection. */
export async function narrateOrKeep(
  narrator: InsightNarrator | undefined,
  input: Parameters<InsightNarrator['narrate']>[0],
  onFailure: (error: unknown) => void,
): Promise<string> {
  if (!narrator) return input.reflection;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<undefined>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`narrator did not answer within ${NARRATION_TIMEOUT_MS} ms`)), NARRATION_TIMEOUT_MS);
    });
    const text = await Promise.race([narrator.narrate(input), timeout]);
    const trimmed = typeof text === 'string' ? wellFormed(text).replaceAll('\u0000', '').trim() : '';
    return trimmed ? trimmed.slice(0, MAX_NARRATION_CHARS) : input.reflection;
  } catch (error) {
    onFailure(error);
    return input.reflection;
  } finally {
    clearTimeout(timer);
  }
}

/** `text` with lone UTF-16 surrogates (which PostgreSQL cannot store) replaced by U+FFFD. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}
