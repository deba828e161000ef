/** The composed supergraph the gateway serves (`npm run compose` writes it from `schema/supergraph.yaml`). */
export const SUPERGRAPH_FILE = new URL('../../schema/supergraph.graphql', import.meta.url);
