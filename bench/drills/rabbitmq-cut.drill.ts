import { randomBytes } from 'node:crypto';
import type { DrillEnvironment } from './drill-environment.js';
import { countBy, createTaskBody, drillResult, errorCode, inParallel, msUntil, post, seconds, sleep } from './drill-kit.js';

export interface RabbitMqCutSizes {
  /** `createTask` mutations sent while the worker's RabbitMQ link is cut (10 at a time). */
  mutations: number;
  /** How long the link stays cut (at least as long as the mutations take). */
  cutMs: number;
  /** How long to wait for every event after the restore. */
  drainDeadlineMs?: number;
}

/**
 * Drill a: cuts the worker's RabbitMQ link, sends `mutations` createTask through the gateway, restores the link after
 * `cutMs`, and reads the downstream queue. Passes when every mutation answered 200 and every created task arrived
 * downstream, each under exactly one message id (a redelivery of the same id is at-least-once delivery, which the
 * consumers' inbox absorbs; a second id for one task would be a duplicate effect).
 *
 * @example
 * const result = await rabbitMqCut(environment, { mutations: 1_000, cutMs: 30_000 });
 */
export async function rabbitMqCut(environment: DrillEnvironment, { mutations, cutMs, drainDeadlineMs = 120_000 }: RabbitMqCutSizes) {
  const { channel, proxies } = environment;
  // Titles of this run only: the downstream queue also holds the events of other drills.
  const titlePrefix = `drill-a-${randomBytes(3).toString('hex')}-`;
  const messageIdsByTask = new Map<string, Set<string>>();
  let deliveries = 0;
  const { consumerTag } = await channel.consume(environment.sinkQueue, (message) => {
    if (!message) return;
    channel.ack(message);
    const { task_id: taskId, title } = (JSON.parse(message.content.toString()) as { data: { task_id: string; title: string } }).data;
    if (!title.startsWith(titlePrefix)) return;
    messageIdsByTask.set(taskId, (messageIdsByTask.get(taskId) ?? new Set()).add(String(message.properties.messageId)));
    deliveries++;
  });
  const created: string[] = [];
  const notCreated: string[] = [];
  const cutAt = Date.now();
  let mutationsMs: number;
  proxies.rabbit.cut();
  try {
    await inParallel(mutations, 10, async (i) => {
      try {
        const answer = await post(environment.ports.gateway, '/graphql', createTaskBody(`${titlePrefix}${i}`), environment.bearer, environment.agent);
        const id = (JSON.parse(answer.body) as { data?: { createTask?: { id: string } } }).data?.createTask?.id;
        if (answer.status === 200 && id) created.push(id);
        else notCreated.push(String(answer.status));
      } catch (error) {
        notCreated.push(errorCode(error));
      }
    });
    mutationsMs = Date.now() - cutAt;
    await sleep(Math.max(0, cutMs - mutationsMs));
  } finally {
    proxies.rabbit.restore();
  }
  const drainMs = await msUntil(async () => created.every((id) => messageIdsByTask.has(id)), drainDeadlineMs);
  await sleep(2_000); // late redeliveries would show up as duplicates
  await channel.cancel(consumerTag);

  const lost = created.filter((id) => !messageIdsByTask.has(id)).length;
  const distinctIds = [...messageIdsByTask.values()].reduce((sum, ids) => sum + ids.size, 0);
  const duplicateEffects = distinctIds - messageIdsByTask.size;
  const answeredIds = new Set(created);
  const unexpectedTasks = [...messageIdsByTask.keys()].filter((id) => !answeredIds.has(id)).length;
  const counts = { mutations, answered: created.length, notAnswered: notCreated.length, lost, duplicateEffects, unexpectedTasks, distinctIds, deliveries };
  return drillResult(
    `a. RabbitMQ cut ${seconds(cutMs)} during ${mutations.toLocaleString('en-US')} createTask`,
    `${created.length}/${mutations} mutations answered 200 during the cut (${(mutationsMs / 1000).toFixed(1)} s; failures: ${countBy(notCreated)}); ` +
      `events lost ${lost}; distinct message ids ${distinctIds}, deliveries ${deliveries} (duplicates delivered ${deliveries - distinctIds}); ` +
      `tasks under more than one message id ${duplicateEffects}; ` +
      `all events in ${drainMs === undefined ? `NOT within ${seconds(drainDeadlineMs)}` : `${(drainMs / 1000).toFixed(1)} s`} after restore`,
    counts,
    [
      [notCreated.length === 0 && created.length === mutations, `${mutations - created.length} of ${mutations} mutations did not answer 200 (${countBy(notCreated)})`],
      [lost === 0, `${lost} created tasks never arrived downstream within ${seconds(drainDeadlineMs)} of the restore`],
      [duplicateEffects === 0, `${duplicateEffects} extra message ids for tasks already published (duplicate effects)`],
      [unexpectedTasks === 0, `${unexpectedTasks} events for tasks whose mutation did not answer 200`],
    ],
  );
}
