import type { IncomingMessage } from 'node:http';
import type { HostRequests } from './host-caller.js';
import type { ExpressMiddleware, FastifyPlugin, HostRequest, NodeHandler } from './planning-module.types.js';

/**
 * `handler` as an Express (or Connect) middleware. Mounted with a path (`app.use('/api/planning', ...)`), Express
 * strips it and the handler takes the rest; mounted without one, the handler sees `/api/planning/...` itself. A
 * body a body parser already read (`express.json()` before it) is handed to the module as the JSON it was.
 */
export function expressMiddleware(handler: NodeHandler): ExpressMiddleware {
  return (req, res, next) => {
    replayParsedBody(req as IncomingMessage & { body?: unknown });
    handler(req, res).catch(next);
  };
}

/**
 * `handler` as a Fastify plugin, for `app.register(plugin, { prefix })`: every method and path under the prefix is
 * handed to it as Node's request and response (the reply hijacked), the URL relative to the prefix. The plugin's
 * scope parses no bodies (the module reads its own); `request` (with what the host's hooks decorated it with) is
 * what the module's `caller` function gets.
 */
export function fastifyPlugin(handler: NodeHandler, hostRequests: HostRequests): FastifyPlugin {
  return async (instance) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const prefix = instance.prefix;
    const route = async (request: { raw: IncomingMessage }, reply: { raw: Parameters<NodeHandler>[1]; hijack(): unknown }) => {
      reply.hijack();
      const { raw } = request;
      hostRequests.set(raw, request as unknown as HostRequest);
      if (prefix && raw.url?.startsWith(prefix)) raw.url = raw.url.slice(prefix.length) || '/';
      await handler(raw, reply.raw);
    };
    instance.all('/', route);
    instance.all('/*', route);
  };
}

/**
 * A body parser before the middleware consumed the stream: the module reads its body from the stream, so the
 * parsed value is given back as a stream of its JSON (a string or Buffer body as it is).
 */
function replayParsedBody(req: IncomingMessage & { body?: unknown }): void {
  if (req.body === undefined || !req.readableEnded) return;
  const { body } = req;
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  Object.defineProperty(req, Symbol.asyncIterator, {
    configurable: true,
    value: async function* () {
      yield bytes;
    },
  });
}
