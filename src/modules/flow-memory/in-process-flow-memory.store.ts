import {
  type ClearedMemory,
  CONTEXT_TTL_MS,
  type FlowMemoryStore,
  isKept,
  MAX_INTERACTIONS,
  type MemoryOwner,
  SESSION_TTL_MS,
  type StoredContext,
  type StoredInteraction,
  type StoredSession,
} from './flow-memory.store.js';

interface OwnerMemory {
  /** Insertion order is the order interactions were stored in. */
  items: Map<string, StoredInteraction>;
  sessions: Map<string, { startedAt: string; lastActivity: string; ids: string[] }>;
  context?: StoredContext;
}

/**
 * Flow Memory in this process (the embedded default, one process only): the contract and expiry rules of the Redis
 * store, held in maps. Nothing survives a restart.
 */
export class InProcessFlowMemoryStore implements FlowMemoryStore {
  readonly kind = 'in-process';
  private readonly owners = new Map<string, OwnerMemory>();

  private memoryOf(owner: MemoryOwner, now: Date): OwnerMemory {
    const key = JSON.stringify([owner.orgId, owner.userId]);
    let memory = this.owners.get(key);
    if (!memory) {
      memory = { items: new Map(), sessions: new Map() };
      this.owners.set(key, memory);
    }
    for (const [id, item] of memory.items) if (!isKept(item, now)) memory.items.delete(id);
    for (const [id, session] of memory.sessions) if (Date.parse(session.lastActivity) + SESSION_TTL_MS <= now.getTime()) memory.sessions.delete(id);
    if (memory.context && Date.parse(memory.context.createdAt) + CONTEXT_TTL_MS <= now.getTime()) memory.context = undefined;
    return memory;
  }

  async append(owner: MemoryOwner, interactions: readonly StoredInteraction[], now: Date): Promise<number> {
    const memory = this.memoryOf(owner, now);
    for (const interaction of interactions) {
      memory.items.set(interaction.id, structuredClone(interaction));
      if (interaction.sessionId !== null) {
        const session = memory.sessions.get(interaction.sessionId) ?? { startedAt: now.toISOString(), lastActivity: now.toISOString(), ids: [] };
        session.lastActivity = now.toISOString();
        session.ids.push(interaction.id);
        memory.sessions.set(interaction.sessionId, session);
      }
    }
    while (memory.items.size > MAX_INTERACTIONS) memory.items.delete(memory.items.keys().next().value!);
    return memory.items.size;
  }

  async list(owner: MemoryOwner, now: Date): Promise<StoredInteraction[]> {
    return [...this.memoryOf(owner, now).items.values()].map((item) => structuredClone(item));
  }

  async get(owner: MemoryOwner, id: string, now: Date): Promise<StoredInteraction | null> {
    const item = this.memoryOf(owner, now).items.get(id);
    return item ? structuredClone(item) : null;
  }

  async replace(owner: MemoryOwner, interaction: StoredInteraction, now: Date): Promise<boolean> {
    const memory = this.memoryOf(owner, now);
    if (!memory.items.has(interaction.id)) return false;
    memory.items.set(interaction.id, structuredClone(interaction));
    return true;
  }

  async remove(owner: MemoryOwner, id: string, now: Date): Promise<boolean> {
    return this.memoryOf(owner, now).items.delete(id);
  }

  async session(owner: MemoryOwner, sessionId: string, now: Date): Promise<StoredSession | null> {
    const memory = this.memoryOf(owner, now);
    const session = memory.sessions.get(sessionId);
    if (!session) return null;
    const interactions = session.ids.flatMap((id) => (memory.items.has(id) ? [structuredClone(memory.items.get(id)!)] : []));
    return { id: sessionId, startedAt: session.startedAt, lastActivity: session.lastActivity, interactions };
  }

  async putContext(owner: MemoryOwner, summary: string, now: Date): Promise<StoredContext> {
    const memory = this.memoryOf(owner, now);
    memory.context = { summary, createdAt: now.toISOString(), version: (memory.context?.version ?? 0) + 1 };
    return { ...memory.context };
  }

  async context(owner: MemoryOwner, now: Date): Promise<StoredContext | null> {
    const context = this.memoryOf(owner, now).context;
    return context ? { ...context } : null;
  }

  async clear(owner: MemoryOwner, now: Date): Promise<ClearedMemory> {
    const memory = this.memoryOf(owner, now);
    const cleared = { interactions: memory.items.size, sessions: memory.sessions.size, context: memory.context ? 1 : 0 };
    this.owners.delete(JSON.stringify([owner.orgId, owner.userId]));
    return cleared;
  }

  async close(): Promise<void> {}
}
