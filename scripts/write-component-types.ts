import { writeFile } from 'node:fs/promises';
import { componentTypeFiles } from './component-types.js';

// `npm run codegen` (after GraphQL Code Generator): the REST types and the package version of src/components.
for (const file of await componentTypeFiles()) {
  await writeFile(new URL(`../${file.path}`, import.meta.url), file.content);
  console.log(`wrote ${file.path}`);
}
