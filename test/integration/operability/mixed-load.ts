import { randomUUID } from 'node:crypto';

/** Requests sent and answered by one gateway, by HTTP status. */
export type StatusCounts = Record<number, number>;

/** Sends a GraphQL operation; resolves with the HTTP status and the parsed body. */
export async function graphql(origin: string, token: string, query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

/** Sends a REST shim request; resolves with the HTTP status and the parsed body. */
export async function rest(origin: string, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${origin}/api/planning${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** What one iteration does to its task, and so the events it must cause, in this order. */
export const LOAD_TASK_EVENTS = ['planning.task.created', 'planning.task.updated', 'planning.task.updated', 'planning.task.completed'];

/**
 * A mixed load over both gateways: `concurrency` loops, each iteration a fresh user (so no user's budget is what
 * limits the load) of one of a few orgs, who creates a task through one gateway, lists and renames it through the
 * other, reads it back through the first and completes it; GraphQL and the REST shim alternate. Every answer must
 * be 200 and every read must show the write before it (a stale answer from a cache counts in `staleReads`).
 */
export class MixedLoad {
  readonly requests = new Map<string, StatusCounts>();
  readonly taskIds: string[] = [];
  staleReads = 0;
  readonly failures: string[] = [];
  private running = true;
  private readonly loops: Promise<void>[];
  private iteration = 0;

  constructor(
    private readonly origins: [string, string],
    private readonly tokenFor: (userId: string, orgId: string) => Promise<string>,
    concurrency: number,
  ) {
    this.loops = Array.from({ length: concurrency }, () => this.loop());
  }

  get total(): number {
    let sum = 0;
    for (const counts of this.requests.values()) for (const n of Object.values(counts)) sum += n;
    return sum;
  }

  /** Lets the iterations in flight finish; resolves when every loop has stopped. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private count(origin: string, status: number, what: string, body: unknown): void {
    const counts = this.requests.get(origin) ?? {};
    counts[status] = (counts[status] ?? 0) + 1;
    this.requests.set(origin, counts);
    const errors = (body as { errors?: unknown } | undefined)?.errors;
    if (status !== 200 || errors) this.failures.push(`${what} at ${origin}: ${status} ${JSON.stringify(body).slice(0, 300)}`);
  }

  private async loop(): Promise<void> {
    while (this.running && this.failures.length === 0) {
      const n = this.iteration++;
      const [first, second] = n % 2 === 0 ? this.origins : [this.origins[1], this.origins[0]];
      const viaRest = n % 4 >= 2;
      const userId = `load-user-${randomUUID().slice(0, 8)}`;
      const token = await this.tokenFor(userId, `load-org-${n % 3}`);
      await this.iterate(first, second, token, userId, viaRest, n).catch((error: unknown) => this.failures.push(String(error)));
    }
  }

  private async iterate(first: string, second: string, token: string, userId: string, viaRest: boolean, n: number): Promise<void> {
    const title = `load task ${n}`;
    const created = viaRest
      ? await rest(first, token, 'POST', '/tasks', { title, priority: 'high' })
      : await graphql(first, token, 'mutation($title: String!) { createTask(input: { title: $title, priority: HIGH }) { id } }', { title });
    this.count(first, created.status, 'create', created.body);
    const id: string | undefined = viaRest ? created.body?.id : created.body?.data?.createTask?.id;
    if (!id) return;
    this.taskIds.push(id);

    const listed = await graphql(second, token, 'query($me: ID!) { tasks(filter: { ownerId: $me }, first: 5) { edges { node { id } } } }', { me: userId });
    this.count(second, listed.status, 'list', listed.body);
    if (listed.body?.data?.tasks?.edges?.map((edge: { node: { id: string } }) => edge.node.id).join() !== id) this.staleReads++;

    const renamed = `${title} (renamed)`;
    const update = viaRest
      ? await rest(second, token, 'PATCH', `/tasks/${id}`, { title: renamed })
      : await graphql(second, token, 'mutation($id: ID!, $title: String!) { updateTask(id: $id, input: { title: $title }) { id } }', { id, title: renamed });
    this.count(second, update.status, 'update', update.body);

    const read = viaRest ? await rest(first, token, 'GET', `/tasks/${id}`) : await graphql(first, token, 'query($id: ID!) { task(id: $id) { title } }', { id });
    this.count(first, read.status, 'read', read.body);
    if ((viaRest ? read.body?.title : read.body?.data?.task?.title) !== renamed) this.staleReads++;

    const completed = viaRest
      ? await rest(first, token, 'POST', `/tasks/${id}/complete`)
      : await graphql(first, token, 'mutation($id: ID!) { completeTask(id: $id) { status } }', { id });
    this.count(first, completed.status, 'complete', completed.body);
  }
}
