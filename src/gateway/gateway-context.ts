import type { Caller } from '../modules/common/caller.js';

/** What the gateway knows of a request once it is authenticated; forwarded to every subgraph fetch. */
export interface GatewayContext {
  caller: Caller;
  requestId: string;
  /** The access token's id and expiry (logout revokes it). */
  tokenId: string;
  tokenExpiresAt: number;
}
