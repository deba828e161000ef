import type { StoredInteraction } from './flow-memory.store.js';

/**
 * Patterns of a user's kept interactions, as the original module extracted them: the most frequent words of four
 * letters or more (here without common English stop words), the intent of each message (a question when it has a
 * `?`, a command when it asks to create, add, make or schedule something, else a statement), the hours (UTC) they
 * were stored in, and which task words occur.
 */
export interface MemoryPatterns {
  topics: Array<{ word: string; count: number }>;
  intents: { question: number; command: number; statement: number };
  mostActiveHour: number | null;
  hours: Array<{ hour: number; count: number }>;
  taskKeywords: string[];
}

const TOPIC_LIMIT = 10;
const COMMAND = /\b(create|add|make|schedule)\b/i;
const TASK_KEYWORDS = ['task', 'todo', 'complete', 'finish', 'deadline', 'priority'];
const STOP_WORDS = new Set(
  'about above after again against also been before being below between both could does doing down during each from further have having here hers herself himself into itself just more most once only other ought ours ourselves over same should some such than that their theirs them themselves then there these they this those through under until very were what when where which while whom with would your yours yourself yourselves will shall can cannot dont want need like please thanks thank'.split(' '),
);

/** Words of four letters or more, lower case (letters and digits of any script). */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}_]{4,}/gu) ?? []);
}

export function intentOf(message: string): 'question' | 'command' | 'statement' {
  if (message.includes('?')) return 'question';
  return COMMAND.test(message) ? 'command' : 'statement';
}

export function extractPatterns(interactions: readonly StoredInteraction[]): MemoryPatterns {
  const words = interactions.flatMap((i) => wordsOf(i.userMessage));
  const counts = new Map<string, number>();
  for (const word of words) if (!STOP_WORDS.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
  const topics = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOPIC_LIMIT)
    .map(([word, count]) => ({ word, count }));

  const intents = { question: 0, command: 0, statement: 0 };
  const byHour = new Map<number, number>();
  for (const interaction of interactions) {
    intents[intentOf(interaction.userMessage)]++;
    const hour = new Date(interaction.timestamp).getUTCHours();
    byHour.set(hour, (byHour.get(hour) ?? 0) + 1);
  }
  const hours = [...byHour.entries()].sort((a, b) => a[0] - b[0]).map(([hour, count]) => ({ hour, count }));
  const busiest = [...hours].sort((a, b) => b.count - a.count || a.hour - b.hour)[0];
  return {
    topics,
    intents,
    mostActiveHour: busiest?.hour ?? null,
    hours,
    taskKeywords: TASK_KEYWORDS.filter((keyword) => words.some((word) => word.includes(keyword))),
  };
}

/** How many kinds of pattern were found (the original's `patterns_detected`). */
export const patternsDetected = (patterns: MemoryPatterns) =>
  [patterns.topics.length > 0, patterns.intents.question + patterns.intents.command + patterns.intents.statement > 0, patterns.mostActiveHour !== null, patterns.taskKeywords.length > 0].filter(Boolean).length;

/** Short sentences about the patterns, for an assistant's prompt. */
export function patternInsights(patterns: MemoryPatterns): string[] {
  const insights: string[] = [];
  const total = patterns.intents.question + patterns.intents.command + patterns.intents.statement;
  if (total === 0) return insights;
  const [top] = patterns.topics;
  if (top) insights.push(`Talks most about "${top.word}" (${top.count} times).`);
  const intent = (['question', 'command', 'statement'] as const).reduce((best, kind) => (patterns.intents[kind] > patterns.intents[best] ? kind : best), 'question' as 'question' | 'command' | 'statement');
  insights.push(`Mostly ${intent === 'question' ? 'asks questions' : intent === 'command' ? 'gives commands' : 'makes statements'} (${patterns.intents[intent]} of ${total}).`);
  if (patterns.mostActiveHour !== null) insights.push(`Most active around ${patterns.mostActiveHour}:00 UTC.`);
  return insights;
}
