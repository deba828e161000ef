/**
 * The port of Flow Memory's storage: per user of an org, their last {@link MAX_INTERACTIONS} interactions (each kept
 * {@link INTERACTION_TTL_MS} from when it was stored), their sessions ({@link SESSION_TTL_MS} from their last
 * activity) and one context summary ({@link CONTEXT_TTL_MS} from when it was written). Two implementations keep the
 * same contract, tested by one suite: Redis (shared by every replica, TTL keys) and in process (the embedded
 * default). Expiry follows the clock the caller passes (`now`), so both behave alike under a frozen clock; Redis's
 * own key TTLs are the backstop that removes what nobody reads any more.
 */
export const MAX_INTERACTIONS = 100;
export const INTERACTION_TTL_MS = 7 * 86_400_000;
export const SESSION_TTL_MS = 86_400_000;
export const CONTEXT_TTL_MS = 30 * 86_400_000;

/** Whose memory: the user of an org (keys, maps and events are scoped by both). */
export interface MemoryOwner {
  orgId: string;
  userId: string;
}

export interface StoredInteraction {
  id: string;
  userMessage: string;
  aiResponse: string | null;
  context: Record<string, unknown>;
  sessionId: string | null;
  metadata: Record<string, unknown>;
  /** When it was stored (ISO 8601); it expires INTERACTION_TTL_MS later. */
  timestamp: string;
  /** When it was last edited, if ever. */
  updatedAt: string | null;
}

export interface StoredSession {
  id: string;
  startedAt: string;
  lastActivity: string;
  /** Its interactions still kept, oldest first. */
  interactions: StoredInteraction[];
}

export interface StoredContext {
  summary: string;
  createdAt: string;
  /** 1 for the first summary, one more for each that replaced it. */
  version: number;
}

export interface ClearedMemory {
  interactions: number;
  sessions: number;
  context: number;
}

export interface FlowMemoryStore {
  readonly kind: 'redis' | 'in-process';
  /** Keeps the interactions (in order, after the ones kept), then only the newest MAX_INTERACTIONS; returns how many are kept. */
  append(owner: MemoryOwner, interactions: readonly StoredInteraction[], now: Date): Promise<number>;
  /** Every interaction kept, oldest first. */
  list(owner: MemoryOwner, now: Date): Promise<StoredInteraction[]>;
  get(owner: MemoryOwner, id: string, now: Date): Promise<StoredInteraction | null>;
  /** Replaces a kept interaction (same id); false when there is none such. */
  replace(owner: MemoryOwner, interaction: StoredInteraction, now: Date): Promise<boolean>;
  remove(owner: MemoryOwner, id: string, now: Date): Promise<boolean>;
  session(owner: MemoryOwner, sessionId: string, now: Date): Promise<StoredSession | null>;
  /** Writes the summary as the next version. */
  putContext(owner: MemoryOwner, summary: string, now: Date): Promise<StoredContext>;
  context(owner: MemoryOwner, now: Date): Promise<StoredContext | null>;
  /** Forgets everything of the owner. */
  clear(owner: MemoryOwner, now: Date): Promise<ClearedMemory>;
  close(): Promise<void>;
}

/** Whether a stored interaction is still kept at `now`. */
export const isKept = (interaction: Pick<StoredInteraction, 'timestamp'>, now: Date) => Date.parse(interaction.timestamp) + INTERACTION_TTL_MS > now.getTime();
