import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { componentTypeFiles } from '../../../scripts/component-types.js';
import { MODULE_CONFIG } from '../../../src/components/index.js';
import { taskEventSchemas } from '../../../src/modules/tasks/task.events.js';
import { projectEventSchemas } from '../../../src/modules/projects/project.events.js';
import { CONSUMED_EVENT_TYPES } from '../../../src/platform/messaging/event-bus.js';

describe('the generated files of src/components', () => {
  it('when the REST types and the version are generated again, then they equal the committed files (run `npm run codegen`)', async () => {
    for (const file of await componentTypeFiles()) {
      const committed = await readFile(file.path, 'utf8');
      expect(committed, `${file.path} is stale: run npm run codegen`).toBe(file.content);
    }
  });

  it('when MODULE_CONFIG names its events, then they are the ones the module consumes and publishes', () => {
    expect(MODULE_CONFIG.events.consumes).toEqual([...CONSUMED_EVENT_TYPES]);
    expect([...MODULE_CONFIG.events.publishes].sort()).toEqual([...Object.keys(taskEventSchemas), ...Object.keys(projectEventSchemas)].sort());
  });

  it('when MODULE_CONFIG is read, then it carries the version of package.json and the four screens', async () => {
    const { version } = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };

    expect(MODULE_CONFIG).toMatchObject({ name: 'focus-kraliki', displayName: 'Planning', version, apiBase: '/api/planning' });
    expect(MODULE_CONFIG.routes.map((route) => route.path)).toEqual(['/tasks', '/projects', '/shadow', '/flow-memory']);
  });
});
