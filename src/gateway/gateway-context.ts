import type { Caller } from '../modules/common/caller.js';
import type { RequestLogFields } from '../platform/logging/request-log.js';
import type { TraceContext } from '../platform/telemetry/trace-context.js';

/** What the gateway knows of a request once it is authenticated; forwarded to every subgraph fetch. */
export interface GatewayContext {
  caller: Caller;
  requestId: string;
  /** The access token's id and expiry (logout revokes it). */
  tokenId: string;
  tokenExpiresAt: number;
  /** The token's `client` claim, when it has one (the deprecated-usage counts' client, after the header). */
  client?: string;
  /** The request's trace (W3C); each subgraph fetch carries it on as `traceparent`. */
  trace?: TraceContext;
  /** The request's log line fields (operation name, caller), filled in along the way. */
  logFields?: RequestLogFields;
}
