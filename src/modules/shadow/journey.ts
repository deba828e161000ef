import { ARCHETYPES, type ArchetypeName } from './archetypes.js';

/** The journey's length and its three phases (days 1-10, 11-20, 21-30). */
export const JOURNEY_DAYS = 30;
export const PHASES = ['awareness', 'understanding', 'integration'] as const;
export type Phase = (typeof PHASES)[number];

/** A new insight can be unlocked this long after the previous one. */
export const UNLOCK_INTERVAL_MS = 24 * 60 * 60 * 1000;

export const phaseOfDay = (day: number): Phase => PHASES[Math.min(2, Math.floor((day - 1) / 10))]!;

const AWARENESS = [
  'Notice when {shadow} takes over. This is your shadow trying to protect you from feeling {fear}.',
  'Pay attention to moments when {trait} becomes excessive. The shadow emerges when strengths become rigid.',
  'Observe how {shadow} shows up in your daily life. What triggers this pattern?',
  'When you find yourself drifting into {shadow}, pause and ask: what am I really afraid of?',
  'Your tendency toward {shadow} often masks a deeper need for {need}.',
  'Notice the cost of {shadow}. How does it affect your work and your well-being?',
  'Track situations where {trait} turns into {shadow}. Where is the tipping point?',
  'Become aware of the stories you tell yourself that justify {shadow}.',
  'Pay attention to how your body feels when {shadow} emerges. Your body knows.',
  'Notice who around you reflects your shadow back to you through their {shadow}.',
];
const UNDERSTANDING = [
  'Your {shadow} likely developed as a protection. What were you protecting yourself from?',
  'Explore the origins of {shadow}. When did you first learn this pattern?',
  "Your shadow's {shadow} is not the enemy: it is a part of you seeking integration.",
  'The intensity of {shadow} reflects the strength of what you are defending against.',
  "The {archetype}'s shadow emerges when you feel threatened in your core identity.",
  'Explore with compassion what {shadow} has cost you, and what it has protected you from.',
  "The opposite of {trait} isn't {shadow}: it is the fear of being without {trait}.",
  "Your shadow's {shadow} asks: what if I am not enough without this defence?",
  'Understanding does not mean accepting {shadow}; it means seeing its purpose clearly.',
  'The shadow is not something to fix, but something to understand and integrate.',
];
const INTEGRATION = [
  'Practise the opposite of {shadow}: {action}. Start small.',
  'When {shadow} arises, respond with {response} instead of resistance.',
  'Integration means holding both {trait} and its opposite. You contain multitudes.',
  'Develop a new relationship with {shadow}: not as an enemy, but as a teacher.',
  '{growthPath} This is your path to wholeness.',
  'Transform {shadow} through conscious awareness and compassionate action.',
  'You are not your shadow. You are the awareness that can hold both light and dark.',
  'Practise {quality}: the integrated form of your {archetype} energy.',
  'The goal is not to eliminate {shadow}, but to choose consciously when to express it.',
  'Celebrate progress: you now see patterns that once steered you unnoticed.',
];
const TEMPLATES: Record<Phase, readonly string[]> = { awareness: AWARENESS, understanding: UNDERSTANDING, integration: INTEGRATION };

const ACTIONS: Record<ArchetypeName, string> = {
  warrior: 'rest and receive',
  sage: 'take action before you feel ready',
  lover: 'set boundaries',
  creator: 'share unfinished work',
  caregiver: 'ask for help',
  explorer: 'commit to one thing for a week',
};
const QUALITIES: Record<ArchetypeName, string> = {
  warrior: 'balanced strength',
  sage: 'embodied wisdom',
  lover: 'secure connection',
  creator: 'generous imperfection',
  caregiver: 'care that includes yourself',
  explorer: 'rooted freedom',
};

/**
 * The reflection of one day of the journey for an archetype: the original module's templates, filled with the
 * archetype's traits and shadow (rotating by day), deterministic.
 *
 * @example
 * journeyContent('sage', 1); // 'Notice when overthinking takes over. ...' (the sage's day-1 shadow trait)
 */
export function journeyContent(archetype: ArchetypeName, day: number): string {
  const info = ARCHETYPES[archetype];
  const phase = phaseOfDay(day);
  const template = TEMPLATES[phase][(day - 1) % 10]!;
  const values: Record<string, string> = {
    archetype,
    trait: info.traits[day % info.traits.length]!,
    shadow: info.shadow[day % info.shadow.length]!,
    growthPath: info.growthPath,
    fear: ['inadequacy', 'rejection', 'vulnerability'][day % 3]!,
    need: ['connection', 'authenticity', 'self-acceptance'][day % 3]!,
    action: ACTIONS[archetype],
    response: day % 2 === 0 ? 'curiosity' : 'compassion',
    quality: QUALITIES[archetype],
  };
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => values[key] ?? key);
}

/** `5/30`: the day reached of the journey's days. */
export const progressOf = (unlockDay: number, totalDays = JOURNEY_DAYS) => `${unlockDay}/${totalDays}`;
