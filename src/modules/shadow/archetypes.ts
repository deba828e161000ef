/**
 * The six archetypes of Shadow AI, with the vocabulary of the original Focus module: each has traits, a shadow
 * (what the strengths turn into when they go rigid), a growth path and the keywords that point to it in task titles
 * and descriptions.
 */
export const ARCHETYPE_NAMES = ['warrior', 'sage', 'lover', 'creator', 'caregiver', 'explorer'] as const;
export type ArchetypeName = (typeof ARCHETYPE_NAMES)[number];

export interface Archetype {
  name: ArchetypeName;
  traits: readonly string[];
  shadow: readonly string[];
  growthPath: string;
  keywords: readonly string[];
}

export const ARCHETYPES: Record<ArchetypeName, Archetype> = {
  warrior: {
    name: 'warrior',
    traits: ['courage', 'discipline', 'protection', 'determination', 'strength'],
    shadow: ['aggression', 'rigidity', 'burnout', 'need for control', 'excessive competitiveness'],
    growthPath: 'Learn when to rest and trust others. Balance strength with vulnerability.',
    keywords: ['achieve', 'fight', 'protect', 'win', 'conquer', 'complete', 'finish'],
  },
  sage: {
    name: 'sage',
    traits: ['wisdom', 'analysis', 'teaching', 'objectivity', 'insight'],
    shadow: ['detachment', 'overthinking', 'arrogance', 'paralysis by analysis', 'emotional avoidance'],
    growthPath: 'Balance knowledge with emotion and action. Trust your heart as well as your mind.',
    keywords: ['think', 'analyze', 'understand', 'learn', 'research', 'study', 'read'],
  },
  lover: {
    name: 'lover',
    traits: ['passion', 'connection', 'creativity', 'empathy', 'appreciation'],
    shadow: ['jealousy', 'dependency', 'boundary issues', 'fear of abandonment', 'possessiveness'],
    growthPath: 'Develop self-love and healthy boundaries. Find security within yourself.',
    keywords: ['love', 'connect', 'feel', 'share', 'relate', 'care', 'enjoy'],
  },
  creator: {
    name: 'creator',
    traits: ['innovation', 'expression', 'vision', 'originality', 'imagination'],
    shadow: ['perfectionism', 'self-criticism', 'isolation', 'fear of judgment', 'procrastination'],
    growthPath: "Embrace imperfection and collaboration. Share your work even when it's not perfect.",
    keywords: ['create', 'design', 'build', 'make', 'innovate', 'imagine', 'express'],
  },
  caregiver: {
    name: 'caregiver',
    traits: ['compassion', 'nurturing', 'service', 'generosity', 'support'],
    shadow: ['martyrdom', 'enabling', 'neglecting self', 'codependency', 'burnout'],
    growthPath: "Learn to receive and set limits. You can't pour from an empty cup.",
    keywords: ['help', 'support', 'care', 'nurture', 'give', 'assist', 'serve'],
  },
  explorer: {
    name: 'explorer',
    traits: ['independence', 'curiosity', 'adventure', 'freedom', 'spontaneity'],
    shadow: ['restlessness', 'escapism', 'commitment issues', 'irresponsibility', 'running away'],
    growthPath: 'Find meaning in stillness and depth. True freedom includes commitment.',
    keywords: ['explore', 'discover', 'travel', 'try', 'experiment', 'wander', 'seek'],
  },
};

/** What the archetype is chosen from: the user's last 100 tasks. */
export interface ArchetypeEvidence {
  title: string;
  description: string | null;
  completed: boolean;
}

/** How many recent tasks the archetype looks at. */
export const ARCHETYPE_SAMPLE = 100;

/**
 * The archetype of a task history, as the original module chose it: one point per keyword found in a task's title
 * and description (case-insensitive substring), 10 points to warrior when more than 80% of the tasks are completed,
 * 5 to sage when descriptions average over 100 characters; the highest score wins, ties in the order of
 * {@link ARCHETYPE_NAMES}. No tasks: explorer.
 *
 * @example
 * chooseArchetype([{ title: 'Research the market', description: null, completed: false }]).archetype; // 'sage'
 */
export function chooseArchetype(tasks: readonly ArchetypeEvidence[]): { archetype: ArchetypeName; scores: Record<ArchetypeName, number> } {
  const scores = Object.fromEntries(ARCHETYPE_NAMES.map((name) => [name, 0])) as Record<ArchetypeName, number>;
  if (tasks.length === 0) return { archetype: 'explorer', scores };
  for (const task of tasks) {
    const text = `${task.title} ${task.description ?? ''}`.toLowerCase();
    for (const name of ARCHETYPE_NAMES) {
      for (const keyword of ARCHETYPES[name].keywords) if (text.includes(keyword)) scores[name] += 1;
    }
  }
  if (tasks.filter((task) => task.completed).length / tasks.length > 0.8) scores.warrior += 10;
  const averageDescription = tasks.reduce((sum, task) => sum + (task.description?.length ?? 0), 0) / tasks.length;
  if (averageDescription > 100) scores.sage += 5;
  const archetype = ARCHETYPE_NAMES.reduce((best, name) => (scores[name] > scores[best] ? name : best), ARCHETYPE_NAMES[0] as ArchetypeName);
  return { archetype, scores };
}
