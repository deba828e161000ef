import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_FILE } from '../../../src/main/supergraph-file.js';
import { SingleFetchPassthrough } from '../../../src/gateway/single-fetch-passthrough.js';
import { composeSupergraph } from '../../../src/platform/federation/compose-supergraph.js';

const link = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])';

describe('SingleFetchPassthrough', () => {
  it("when the platform's supergraph is loaded, then the pass-through is on", async () => {
    expect(new SingleFetchPassthrough(await readFile(SUPERGRAPH_FILE, 'utf8')).enabled).toBe(true);
  });

  it('when a supergraph hides something with @inaccessible, then the pass-through is off (Apollo shaping hides it)', () => {
    const typeDefs = (hidden: string) => `${link}\ntype Query { items: [Item!]! }\ntype Item @key(fields: "id") { id: ID! name: String ${hidden} }`;
    const hiding = composeSupergraph([{ name: 'one', url: 'http://one/graphql', typeDefs: typeDefs('@inaccessible') }]);
    const open = composeSupergraph([{ name: 'one', url: 'http://one/graphql', typeDefs: typeDefs('') }]);
    expect(hiding).toContain('@inaccessible');
    expect(new SingleFetchPassthrough(hiding).enabled).toBe(false);
    expect(new SingleFetchPassthrough(open).enabled).toBe(true);
  });
});
