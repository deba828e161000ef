import { type Caller, assertCanRead } from '../../common/caller.js';
import { journeysOf, type ShadowDeps } from '../shadow-deps.js';
import type { ShadowProfileView } from '../shadow.repository.js';

/** The caller's journey, or null before it has started (see {@link createShadowProfile}). */
export async function getShadowProfile(deps: ShadowDeps, caller: Caller): Promise<ShadowProfileView | null> {
  assertCanRead(caller);
  return journeysOf(deps.em).findProfile(caller.orgId, caller.userId);
}
