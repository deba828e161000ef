import { type Agent, request } from 'node:http';

/**
 * What one drill found: the row of the drills table (`drill`, `figures`), the verdict, and the raw counts a test
 * asserts on. `failures` names each broken expectation; the drill passed when it is empty.
 *
 * @example
 * const result = await redisCut(environment, { cutMs: 1_000 });
 * if (!result.passed) console.error(result.failures.join('\n'));
 */
export interface DrillResult<Counts extends object = Record<string, number>> {
  drill: string;
  passed: boolean;
  figures: string;
  failures: string[];
  counts: Counts;
}

/**
 * A {@link DrillResult} from its expectations: each `[holds, why]` pair whose `holds` is false becomes a failure.
 *
 * @example
 * drillResult('b. Redis cut 1 s', figures, counts, [[counts.notUnavailable === 0, 'an answer during the cut was not a 503']]);
 */
export function drillResult<Counts extends object>(drill: string, figures: string, counts: Counts, expectations: Array<[boolean, string]>): DrillResult<Counts> {
  const failures = expectations.filter(([holds]) => !holds).map(([, why]) => why);
  return { drill, passed: failures.length === 0, figures, failures, counts };
}

const QUERY = 'query TaskPage { tasks(first: 20) { edges { node { id title tags project { name } subtaskCount } } } }';

/** The S2 page of the HTTP bench: 20 tasks with their project and subtask count. */
export const PAGE_BODY = JSON.stringify({ query: QUERY, operationName: 'TaskPage' });

export const createTaskBody = (title: string) =>
  JSON.stringify({ query: 'mutation Create($title: String!) { createTask(input: {title: $title}) { id } }', variables: { title } });

export interface Answer {
  status: number;
  body: string;
}

/** One POST on `agent`; rejects with the socket error code (`TIMEOUT` after `timeoutMs`) when no answer came. */
export function post(port: number, path: string, body: string, headers: Record<string, string>, agent: Agent, timeoutMs = 15_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers }, timeout: timeoutMs },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })));
    req.on('error', reject);
    req.end(body);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const errorCode = (error: unknown) => (error as { code?: string }).code ?? (error as Error).message;

/** A GraphQL error answer a client can read: JSON with at least one entry in `errors`. */
export function isJsonErrorBody(text: string): boolean {
  try {
    const body = JSON.parse(text) as { errors?: unknown };
    return Array.isArray(body.errors) && body.errors.length > 0;
  } catch {
    return false;
  }
}

/** `200` or `503` for the answers a cut may give, else what was wrong with it (`HTTP 502`, `503 without a JSON error body`). */
export function classifyAnswer({ status, body }: Answer): string {
  if (status === 200) return body.includes('"errors"') ? '200 with GraphQL errors' : '200';
  if (status === 503) return isJsonErrorBody(body) ? '503' : '503 without a JSON error body';
  return `HTTP ${status}`;
}

/** `"503: 12, 200: 3"`, or `none`. */
export const countBy = (values: (string | number)[]) => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k}: ${n}`).join(', ') || 'none';
};

/** Runs `work` for each index with at most `concurrency` at a time. */
export async function inParallel(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/** Polls `probe` every 100 ms until it is true; the milliseconds it took, or undefined after `limitMs`. */
export async function msUntil(probe: () => Promise<boolean>, limitMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    if (await probe().catch(() => false)) return Date.now() - started;
    await sleep(100);
  }
  return undefined;
}

/** What `promise` resolves to, or `undefined` when `ms` pass first. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** `5 s`, `1.5 s`. */
export const seconds = (ms: number) => `${ms / 1000} s`;
