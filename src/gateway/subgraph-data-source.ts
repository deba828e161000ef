import { createHash } from 'node:crypto';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway/dist/datasources/types.js';
import { sortedKeysJson } from '../modules/common/cursor.js';
import { PLANNING_DATA_VERSIONS_HEADER, type CacheOutcome, type SubgraphAnswerStore } from '../platform/cache/planning-data-cache.js';
import { requestBodyHash, signPlatformContext } from '../platform/identity/platform-context.js';
import { formatTraceparent } from '../platform/telemetry/trace-context.js';
import type { SigningKey } from '../platform/identity/signing-keys.js';
import type { GatewayContext } from './gateway-context.js';
import type { SharedReads } from './shared-reads.js';

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

/** Answers larger than this are not cached (they would crowd out the many small list pages). */
const MAX_CACHED_ANSWER_CHARS = 512 * 1024;

export type { CacheOutcome };

/**
 * A subgraph fetch carrying the caller: `X-User-Id`, `X-Org-Id`, `X-Roles`, `X-Request-Id`, and the gateway-signed
 * `X-Platform-Context` (audience = the subgraph's name, bound to this fetch's query and variables). Nothing the
 * client sent is forwarded: the headers are built here from the verified token only. A W3C `traceparent` (the
 * gateway request's trace, see request-trace.ts) joins the subgraph's work to the same trace.
 */
export class ContextForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    options: { url: string; name: string; fetcher?: RemoteGraphQLDataSource['fetcher'] },
    private readonly signing: { key: SigningKey; issuer: string },
    /** The answer cache, when on: see {@link process}. */
    private readonly cache?: { store: SubgraphAnswerStore; ttlSeconds: number; onLookup?: (subgraph: string, outcome: CacheOutcome) => void },
    /** Identical reads of one caller in flight together share one fetch when the answer cache is off (see shared-reads.ts). */
    private readonly sharedReads?: SharedReads,
  ) {
    super({ url: options.url, ...(options.fetcher ? { fetcher: options.fetcher } : {}) });
    this.subgraphName = options.name;
  }

  private readonly subgraphName: string;
  /**
   * Fetches on their way to the subgraph, by org, data version and cache key: each settles with its answer as JSON
   * (errors included), rejects as the fetch failed, or settles undefined when the subgraph did not announce its
   * changes in the gateway's store (nothing may be shared then).
   */
  private readonly inFlight = new Map<string, Promise<string | undefined>>();
  /**
   * Whether the subgraph's last answer named the gateway's version store (see {@link process}); while it does not,
   * identical reads do not wait for one another, as none could use another's answer.
   */
  private subgraphAnnounces = true;

  /**
   * With the cache off, identical reads of one caller in flight together share one fetch, and a write takes its org's
   * fetches out of reach when it starts and ends (see shared-reads.ts).
   *
   * With the cache on, a fetch made for a query operation is answered from the cache when an answer for the same
   * caller (org, user, roles), subgraph, fetch document and variables was stored under the org's current data
   * version. Otherwise the subgraph is asked, and its answer stored under the version read before asking, when it
   * has no errors and the subgraph's `x-planning-data-versions` header names the gateway's own store (the
   * subgraph announces its committed changes there). Any cache failure just asks the subgraph. Fetches that miss
   * while an identical one (same caller, document, variables and version) is on its way share its outcome: a copy of
   * its answer, errors included (stored only without errors), or its failure.
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const shared = this.sharedReads;
    const { caller } = options.context as Partial<GatewayContext>;
    if (!shared || !caller || options.kind !== 'incoming operation') return this.answered(options);
    if (options.incomingRequestContext.operation?.operation === 'query') {
      // With the answer cache on, its own sharing (under the org's data version) does this.
      if (this.cache) return this.answered(options);
      return shared.read(this.subgraphName, caller.orgId, shared.keyOf(this.subgraphName, caller, options.request), () => super.process(options));
    }
    // A write: no read starting while it runs or after it shares a fetch made before.
    shared.writing(caller.orgId);
    try {
      return await this.answered(options);
    } finally {
      shared.writing(caller.orgId);
    }
  }

  /** The answer from the cache when it is on (see {@link process}), else from the subgraph. */
  private async answered(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const cache = this.cache;
    if (!cache || options.kind !== 'incoming operation' || options.incomingRequestContext.operation?.operation !== 'query') return super.process(options);
    const { caller } = options.context as Partial<GatewayContext>;
    if (!caller) return super.process(options);
    const key = createHash('sha256')
      .update(sortedKeysJson({ s: this.subgraphName, u: caller.userId, r: [...caller.roles].sort(), q: options.request.query ?? '', v: options.request.variables ?? {} }))
      .digest('base64url');
    const found = await cache.store.lookup(caller.orgId, key).catch(() => undefined);
    if (found?.answer !== undefined) {
      cache.onLookup?.(this.subgraphName, 'hit');
      return JSON.parse(found.answer) as GatewayGraphQLResponse;
    }
    if (found?.version === undefined) {
      // Nothing stored can match (the org's first read, or the cache unreadable): ask, and store nothing.
      cache.onLookup?.(this.subgraphName, found ? 'miss' : 'error');
      return super.process(options);
    }
    // Identical fetches that missed under the same version (a hot page just after a change) share one subgraph
    // request: each would have been answered from the cache had the first stored its answer before they looked, and
    // each would have got that same answer (errors, a failure) had it arrived with the first.
    const flight = `${caller.orgId}\n${found.version}\n${key}`;
    const leader = this.subgraphAnnounces ? this.inFlight.get(flight) : undefined;
    if (leader) {
      // Rejects as the first fetch did.
      const shared = await leader;
      if (shared !== undefined) {
        cache.onLookup?.(this.subgraphName, 'shared');
        return JSON.parse(shared) as GatewayGraphQLResponse;
      }
      cache.onLookup?.(this.subgraphName, 'miss');
      return super.process(options);
    }
    cache.onLookup?.(this.subgraphName, 'miss');
    let settle!: (shared: string | undefined) => void;
    let fail!: (error: unknown) => void;
    const fetched = new Promise<string | undefined>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    // Its failure is for the reads waiting on it, when there are any.
    fetched.catch(() => {});
    if (this.subgraphAnnounces) this.inFlight.set(flight, fetched);
    try {
      const response = await super.process(options);
      // Only the answers of a subgraph announcing its changes in this very store are shared or stored: without its
      // version change, a read starting after a change could join (or find) a fetch made before it.
      this.subgraphAnnounces = response.http?.headers.get(PLANNING_DATA_VERSIONS_HEADER) === cache.store.fingerprint;
      if (!this.subgraphAnnounces) return response;
      const hasErrors = Boolean(response.errors?.length);
      const answer = JSON.stringify(hasErrors ? { data: response.data, errors: response.errors } : { data: response.data });
      settle(answer);
      if (!hasErrors && response.data != null && answer.length <= MAX_CACHED_ANSWER_CHARS) {
        await cache.store.store(caller.orgId, key, found.version, answer, cache.ttlSeconds).catch(() => {});
      }
      return response;
    } catch (error) {
      fail(error);
      throw error;
    } finally {
      if (this.inFlight.get(flight) === fetched) this.inFlight.delete(flight);
      settle(undefined);
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http!.headers;
    for (const name of ['x-user-id', 'x-org-id', 'x-roles', 'x-platform-context', 'x-request-id', 'traceparent', 'tracestate']) headers.delete(name);
    if (!('caller' in context) || !context.caller) return;
    const { caller, requestId, trace } = context as GatewayContext;
    if (trace) headers.set('traceparent', formatTraceparent(trace));
    headers.set('x-user-id', caller.userId);
    headers.set('x-org-id', caller.orgId);
    headers.set('x-roles', caller.roles.join(','));
    headers.set('x-request-id', requestId);
    headers.set(
      'x-platform-context',
      signPlatformContext(this.signing.key, this.signing.issuer, {
        caller,
        requestId,
        audience: this.subgraphName,
        bodyHash: requestBodyHash(request.query, request.variables),
      }),
    );
  }
}
