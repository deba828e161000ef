import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

describe('the README\'s embedding guide', () => {
  it.each(['guide-call-ended-callback', 'guide-workflow-suggested', 'guide-campaign-call-completed'])(
    'when the README shows the event %s, then it is the fixture the packed-package test delivers, verbatim',
    async (name) => {
      const [readme, fixture] = await Promise.all([readFile('README.md', 'utf8'), readFile(`test/fixtures/events/${name}.json`, 'utf8')]);

      expect(readme).toContain(`\`\`\`json\n${fixture.trim()}\n\`\`\``);
    },
  );
});
