/** What a starting process tells the person who ran it. */
export interface StartupFacts {
  roles: string[];
  /** The URLs this process listens on, by role name: GraphQL endpoints (gateway, planning, comms), the worker's origin. */
  urls: Record<string, string>;
  /** Where the gateway reaches each subgraph, when the gateway runs here; shown for those not served at that URL here. */
  routing?: Record<string, string>;
  /** The REST shim's Swagger UI, when the gateway runs here. */
  docsUrl?: string;
  /** The GraphQL IDE (development only), when the gateway runs here. */
  ideUrl?: string;
  database: { mode: 'postgres' | 'embedded'; location: string };
  redis: 'redis' | 'in-process';
  /** Undefined when no worker runs here (nothing in this process uses the bus). */
  bus?: 'rabbitmq' | 'in-process';
  demoLogin?: { email: string; password: string; orgId: string };
}

/**
 * A short human-readable summary of a started process, for stderr beside the JSON log line: the URLs it serves,
 * how each dependency is provided, and in development how to log in.
 *
 * @example
 * process.stderr.write(startupBanner({ roles: ['gateway'], urls: { gateway: 'http://127.0.0.1:4000/graphql' }, ... }));
 */
export function startupBanner(facts: StartupFacts): string {
  const rows: Array<[string, string]> = [];
  const order = ['gateway', 'planning', 'comms', 'worker'];
  const byRole = Object.entries(facts.urls).sort(([a], [b]) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  for (const [name, url] of byRole) rows.push([name, name === 'worker' ? `${url} (/health, /ready, /metrics)` : url]);
  for (const [name, url] of Object.entries(facts.routing ?? {})) if (facts.urls[name] !== url) rows.push([`${name} (routed)`, url]);
  if (facts.docsUrl) rows.push(['docs', facts.docsUrl]);
  if (facts.ideUrl) rows.push(['GraphQL IDE', `${facts.ideUrl} (open in a browser)`]);
  rows.push(['PostgreSQL', facts.database.mode === 'embedded' ? `embedded (PGlite in ${facts.database.location})` : `real (${facts.database.location})`]);
  rows.push(['Redis', facts.redis === 'redis' ? 'real (REDIS_URL)' : 'in-process (single process only; set REDIS_URL for real Redis)']);
  if (facts.bus) rows.push(['RabbitMQ', facts.bus === 'rabbitmq' ? 'real (RABBITMQ_URL)' : 'in-process (single process only; set RABBITMQ_URL for real RabbitMQ)']);
  if (facts.demoLogin) rows.push(['demo login', `${facts.demoLogin.email} / ${facts.demoLogin.password} (org ${facts.demoLogin.orgId})`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`focus-kraliki ${facts.roles.join(' + ')} is ready`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''].join('\n');
}
