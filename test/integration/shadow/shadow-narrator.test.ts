import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InsightNarrator } from '../../../src/modules/shadow/insight-narrator.js';
import { journeyContent } from '../../../src/modules/shadow/journey.js';
import { aCaller, startTestPlanningApp, type TestPlanningApp } from '../../testkit/planning-app.js';
import { DAY, TestClock } from './shadow-testing.js';

describe('Shadow AI: the optional narrator port', () => {
  let app: TestPlanningApp;
  const clock = new TestClock(new Date('2026-12-01T08:00:00.000Z'));
  const asked: Array<Parameters<InsightNarrator['narrate']>[0]> = [];
  let answer: (input: Parameters<InsightNarrator['narrate']>[0]) => Promise<string | undefined> = async () => undefined;
  const narrator: InsightNarrator = {
    narrate: (input) => {
      asked.push(input);
      return answer(input);
    },
  };
  beforeAll(async () => {
    app = await startTestPlanningApp({ features: { now: clock.now, narrator } });
  });
  afterAll(async () => app?.close());

  it('when a narrator is configured, then each new day is given to it with its reflection and finding, and its text is kept', async () => {
    const caller = aCaller();
    answer = async ({ day, reflection }) => `Day ${day}, told anew: ${reflection}`;
    const { createShadowProfile } = await app.ok(caller, `mutation { createShadowProfile { insights { day content } } }`);
    expect(asked.at(-1)).toMatchObject({ archetype: 'explorer', day: 1, phase: 'awareness', reflection: journeyContent('explorer', 1), finding: null });
    expect(createShadowProfile.insights[0].content).toBe(`Day 1, told anew: ${journeyContent('explorer', 1)}`);
  });

  it('when the narrator fails or answers nothing usable, then the deterministic reflection is kept', async () => {
    const caller = aCaller();
    answer = async () => {
      throw new Error('model unavailable');
    };
    const { createShadowProfile } = await app.ok(caller, `mutation { createShadowProfile { insights { content } } }`);
    expect(createShadowProfile.insights[0].content).toBe(journeyContent('explorer', 1));

    clock.advance(DAY);
    answer = async () => '  \u0000 ';
    const { unlockShadowInsight } = await app.ok(caller, `mutation { unlockShadowInsight { insight { day content } } }`);
    expect(unlockShadowInsight.insight).toEqual({ day: 2, content: journeyContent('explorer', 2) });
  });
});
