import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';

/**
 * The calls the spanning scenario reads: the comms example knows only the calls its `comms.call.ended` events
 * reported, so the bench reports one call about each task of the page (on `exchange`, which the example's process
 * listens to) and waits until the gateway's answer carries all of them. Resolves with a function that deletes the
 * bench's exchange.
 */
export async function reportOneCallPerTask(options: {
  rabbitmqUrl: string;
  exchange: string;
  gatewayUrl: string;
  token: string;
  /** A query answering `tasks.edges[].node { id callbacks { id } }`. */
  query: string;
}): Promise<() => Promise<void>> {
  const page = async () => {
    const response = await fetch(options.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
      body: JSON.stringify({ query: options.query }),
    });
    const body = (await response.json()) as { data?: { tasks: { edges: Array<{ node: { id: string; callbacks: unknown[] } }> } }; errors?: unknown };
    if (!body.data) throw new Error(`the spanning query failed: ${JSON.stringify(body.errors)}`);
    return body.data.tasks.edges.map((edge) => edge.node);
  };
  const tasks = await page();
  const connection = await amqplib.connect(options.rabbitmqUrl);
  const channel = await connection.createConfirmChannel();
  await channel.assertExchange(options.exchange, 'topic', { durable: true });
  for (const [i, task] of tasks.entries()) {
    const event = {
      id: randomUUID(),
      type: 'comms.call.ended',
      source: 'comms',
      timestamp: new Date().toISOString(),
      user_id: 'bench-user',
      org_id: 'bench',
      data: { call_id: `bench-call-${i}`, outcome: 'completed', task_id: task.id, contact: { name: `Contact ${i}`, phone: `+420 777 000 ${String(i).padStart(3, '0')}` } },
    };
    channel.publish(options.exchange, 'comms.call.ended', Buffer.from(JSON.stringify(event)), { persistent: true, contentType: 'application/json' });
  }
  await channel.waitForConfirms();
  const deadline = Date.now() + 20_000;
  while (!(await page()).every((task) => task.callbacks.length === 1)) {
    if (Date.now() > deadline) throw new Error('the comms example did not hear the bench calls within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return async () => {
    await channel.deleteExchange(options.exchange).catch(() => {});
    await connection.close().catch(() => {});
  };
}
