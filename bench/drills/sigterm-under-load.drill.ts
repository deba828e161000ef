import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { freePort } from '../roles.js';
import type { DrillEnvironment } from './drill-environment.js';
import { countBy, createTaskBody, drillResult, errorCode, post, seconds, within } from './drill-kit.js';

export interface SigtermUnderLoadSizes {
  /** Connections each sending createTask back to back. */
  connections: number;
  /** When into the load the gateway gets SIGTERM. */
  signalAfterMs: number;
  /** How long to wait for the gateway to exit after the signal. */
  exitDeadlineMs?: number;
  /**
   * Signals the environment's own gateway instead of starting another: for the last drill of a run (the test suite
   * saves a role start; the CLI's soak still needs that gateway).
   */
  stopTheEnvironmentGateway?: boolean;
}

/** Outcomes of a request the stopping gateway did not take: refused, or its connection closed before it was read. */
const NOT_ACCEPTED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/**
 * Drill d: starts one more gateway (or takes the environment's), loads it with createTask (a unique title per
 * request) and sends it SIGTERM. Compares the committed titles with the answers: passes when every committed task was
 * answered 200 (no accepted request lost), every 200 has its task, every other outcome is a refused or closed
 * connection, and the gateway exits 0.
 *
 * @example
 * const result = await sigtermUnderLoad(environment, { connections: 20, signalAfterMs: 3_000 });
 */
export async function sigtermUnderLoad(
  environment: DrillEnvironment,
  { connections, signalAfterMs, exitDeadlineMs = 60_000, stopTheEnvironmentGateway = false }: SigtermUnderLoadSizes,
) {
  const port = stopTheEnvironmentGateway ? environment.ports.gateway : await freePort();
  const gateway = stopTheEnvironmentGateway ? environment.gateway : await environment.startGateway(port);
  const titlePrefix = `drill-d-${randomBytes(3).toString('hex')}-`;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const answered = new Map<string, number>();
  const outcomes: string[] = [];
  let sent = 0;
  let signalledAt = Infinity;
  let answeredAfterSignal = 0;
  let refused = false;
  const exited = new Promise<number | string>((resolve) => gateway.once('exit', (code, signal) => resolve(code ?? String(signal))));
  const signal = setTimeout(() => {
    signalledAt = Date.now();
    gateway.kill('SIGTERM');
  }, signalAfterMs);
  const loadDeadline = Date.now() + signalAfterMs + exitDeadlineMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (!refused && Date.now() < loadDeadline) {
        const title = `${titlePrefix}${sent++}`;
        try {
          const answer = await post(port, '/graphql', createTaskBody(title), environment.bearer, agent);
          answered.set(title, answer.status);
          outcomes.push(String(answer.status));
          if (Date.now() > signalledAt) answeredAfterSignal++;
        } catch (error) {
          outcomes.push(errorCode(error));
          // Refused: the listener is closed, the gateway is going away.
          if (errorCode(error) === 'ECONNREFUSED') refused = true;
        }
      }
    }),
  );
  clearTimeout(signal);
  const exitCode = (await within(exited, exitDeadlineMs)) ?? `none (no exit within ${seconds(exitDeadlineMs)})`;
  agent.destroy();

  const committed = (await environment.db.query<{ title: string }>(`select title from planning_tasks where starts_with(title, $1)`, [titlePrefix])).rows.map((r) => r.title);
  // Lost: its effect committed but its caller never got the answer.
  const lost = committed.filter((title) => answered.get(title) !== 200).length;
  const answered200 = [...answered.values()].filter((status) => status === 200).length;
  const phantom = answered200 - committed.filter((title) => answered.get(title) === 200).length;
  const unexpected = outcomes.filter((outcome) => outcome !== '200' && !NOT_ACCEPTED.has(outcome));
  const counts = { sent, committed: committed.length, answered200, answeredAfterSignal, lost, phantom, unexpected: unexpected.length };
  return drillResult(
    `d. SIGTERM to the gateway under load (${connections} conn of createTask)`,
    `${sent} requests: ${countBy(outcomes)} (ECONNREFUSED = refused before accept, ECONNRESET = connection closed unanswered); ` +
      `committed ${committed.length}, answered 200 ${answered200} (${answeredAfterSignal} after the signal); accepted but lost ${lost}; 200 without effect ${phantom}; gateway exit code ${exitCode}`,
    counts,
    [
      [signalledAt !== Infinity, 'the load ended before the signal'],
      [lost === 0, `${lost} tasks were committed but their request was not answered 200`],
      [phantom === 0, `${phantom} answers 200 have no committed task`],
      [unexpected.length === 0, `${unexpected.length} outcomes were neither a 200 nor a refused or closed connection (${countBy(unexpected)})`],
      [exitCode === 0, `the gateway's exit code was ${exitCode}`],
    ],
  );
}
