/**
 * S7 and S7nd, the other peer: `@graphql-hive/gateway` (its runtime, default settings) over the same supergraph, in
 * front of the same planning subgraph (run in `headers` trust mode for it). The caller headers the bench client sends
 * (`X-User-Id`, `X-Org-Id`, `X-Roles`) are forwarded to the subgraph (`propagateHeaders`), the one addition a subgraph
 * needs at all. `HIVE_DEDUPLICATE_INFLIGHT=false` turns off its sharing of identical in-flight subgraph fetches
 * (`deduplicateInflightRequests`, on by default for queries; the key holds the fetch's headers, so one caller's).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';

const CALLER_HEADERS = ['x-user-id', 'x-org-id', 'x-roles'];
const subgraphUrl = process.env.SUBGRAPH_PLANNING_URL!;
const supergraph = readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8').replace(
  /(@join__graph\(name: "planning", url: ")[^"]*/,
  `$1${subgraphUrl}`,
);
const deduplicateInflightRequests = process.env.HIVE_DEDUPLICATE_INFLIGHT !== 'false';

const gateway = createGatewayRuntime({
  supergraph,
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => Object.fromEntries(CALLER_HEADERS.map((name) => [name, request.headers.get(name)])),
  },
  ...(deduplicateInflightRequests ? {} : { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } }),
});
createServer(gateway).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));
