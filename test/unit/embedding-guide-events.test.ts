import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('the embedding guide (docs/embedding.md)', () => {
  it.each(['guide-call-ended-callback', 'guide-workflow-suggested', 'guide-campaign-call-completed'])(
    'when the guide shows the event %s, then it is the fixture the packed-package test delivers, verbatim',
    async (name) => {
      const [guide, fixture] = await Promise.all([readFile('docs/embedding.md', 'utf8'), readFile(`test/fixtures/events/${name}.json`, 'utf8')]);

      expect(guide).toContain(`\`\`\`json\n${fixture.trim()}\n\`\`\``);
    },
  );
});
