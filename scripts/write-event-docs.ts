import { writeFileSync } from 'node:fs';
import { renderEventCatalog } from '../src/consumers/event-catalog.js';

writeFileSync(new URL('../docs/events.md', import.meta.url), renderEventCatalog());
console.log('wrote docs/events.md');
