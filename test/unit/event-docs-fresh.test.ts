import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderEventCatalog } from '../../src/consumers/event-catalog.js';

describe('docs/events.md', () => {
  it('when the event schemas are rendered, then they equal the committed reference page (run `npm run docs:events`)', async () => {
    const committed = await readFile(new URL('../../docs/events.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderEventCatalog());
    expect(committed).toContain('planning.task.completed');
    expect(committed).toContain('campaign_id');
  });
});
