/**
 * What the gateway's deprecated-usage counts and trusted-documents check cost a request, in process (no HTTP):
 * `npx tsx bench/contracts-microbench.ts`. Prints nanoseconds per request for each path; docs/gateway.md quotes them.
 */
import { Kind, type OperationDefinitionNode, parse, print } from 'graphql';
import { Registry } from 'prom-client';
import { TaskListPageDocument } from '../src/components/index.js';
import { ClientNames } from '../src/gateway/deprecations/client-names.js';
import { DeprecatedUsageIndex } from '../src/gateway/deprecations/deprecated-usage.js';
import { DeprecatedUsageRecorder, InProcessDeprecatedUsageStore } from '../src/gateway/deprecations/deprecated-usage-store.js';
import { documentHashOf } from '../src/gateway/trusted-documents/known-operations.js';
import { TrustedDocuments } from '../src/gateway/trusted-documents/trusted-documents.js';
import { apiSchemaOf } from '../src/platform/federation/api-schema.js';
import { GatewayMetrics } from '../src/platform/metrics/gateway-metrics.js';
import { supergraphWithDeprecations } from '../test/testkit/deprecated-supergraph.js';

const ROUNDS = 200_000;

/** The best of 7 runs of ROUNDS calls (the least disturbed by other processes), in ns per call. */
function nsPer(run: () => void): number {
  for (let i = 0; i < 10_000; i++) run();
  let best = Infinity;
  for (let attempt = 0; attempt < 7; attempt++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < ROUNDS; i++) run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / ROUNDS);
  }
  return best;
}

const schema = apiSchemaOf(await supergraphWithDeprecations());
const index = new DeprecatedUsageIndex(schema);
const metrics = new GatewayMetrics(new Registry());
const recorder = new DeprecatedUsageRecorder(new InProcessDeprecatedUsageStore(), { flushIntervalMs: 60_000 });
const clients = new ClientNames();
const operationOf = (text: string) => {
  const document = parse(text);
  return { document, operation: document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)! };
};
const plain = operationOf(print(TaskListPageDocument));
const legacy = operationOf('query { tasks(last: 5) { edges { node { id subtaskIds } } } }');
const perRequest = ({ document, operation }: ReturnType<typeof operationOf>) => () => {
  const usages = index.usagesOf(document, operation);
  if (usages.length === 0) return;
  const client = clients.labelOf('planning-web', undefined);
  for (const coordinate of usages) {
    metrics.deprecatedUse(coordinate, client);
    recorder.record(coordinate, client);
  }
};
const trusted = new TrustedDocuments();
const known = print(TaskListPageDocument);
const parsed = (text: string) => parse(text);
// A fresh string per request, as JSON.parse gives one: its hash is computed again each time.
const fresh = () => JSON.parse(JSON.stringify(known)) as string;
const knownHash = documentHashOf(known);

console.log(`deprecated usage, operation without deprecated members: ${nsPer(perRequest(plain)).toFixed(0)} ns`);
console.log(`deprecated usage, operation using 2 deprecated members: ${nsPer(perRequest(legacy)).toFixed(0)} ns`);
console.log(`trusted documents, known full text (${known.length} chars, fresh string): ${nsPer(() => trusted.decide({ query: fresh() }, parsed)).toFixed(0)} ns (of which the string copy: ${nsPer(() => fresh()).toFixed(0)} ns)`);
console.log(`trusted documents, by hash: ${nsPer(() => trusted.decide({ persistedQueryHash: knownHash }, parsed)).toFixed(0)} ns`);
console.log(`  of the 2-member path: the counter increments ${nsPer(() => { metrics.deprecatedUse('Task.subtaskIds', 'planning-web'); metrics.deprecatedUse('Query.tasks(last:)', 'planning-web'); }).toFixed(0)} ns, the shared counts ${nsPer(() => { recorder.record('Task.subtaskIds', 'planning-web'); recorder.record('Query.tasks(last:)', 'planning-web'); }).toFixed(0)} ns`);
await recorder.close();
