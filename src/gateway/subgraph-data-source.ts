import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway/dist/datasources/types.js';
import { requestBodyHash, signPlatformContext } from '../platform/identity/platform-context.js';
import { formatTraceparent } from '../platform/telemetry/trace-context.js';
import type { SigningKey } from '../platform/identity/signing-keys.js';
import type { GatewayContext } from './gateway-context.js';

/**
 * A subgraph fetch carrying the caller: `X-User-Id`, `X-Org-Id`, `X-Roles`, `X-Request-Id`, and the gateway-signed
 * `X-Platform-Context` (audience = the subgraph's name, bound to this fetch's query and variables). Nothing the
 * client sent is forwarded: the headers are built here from the verified token only. A W3C `traceparent` (the
 * gateway request's trace, see request-trace.ts) joins the subgraph's work to the same trace.
 */
export class ContextForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    options: { url: string; name: string },
    private readonly signing: { key: SigningKey; issuer: string },
  ) {
    super({ url: options.url });
    this.subgraphName = options.name;
  }

  private readonly subgraphName: string;

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    const headers = request.http!.headers;
    for (const name of ['x-user-id', 'x-org-id', 'x-roles', 'x-platform-context', 'x-request-id', 'traceparent', 'tracestate']) headers.delete(name);
    if (!('caller' in context) || !context.caller) return;
    const { caller, requestId, trace } = context as GatewayContext;
    if (trace) headers.set('traceparent', formatTraceparent(trace));
    headers.set('x-user-id', caller.userId);
    headers.set('x-org-id', caller.orgId);
    headers.set('x-roles', caller.roles.join(','));
    headers.set('x-request-id', requestId);
    headers.set(
      'x-platform-context',
      await signPlatformContext(this.signing.key, this.signing.issuer, {
        caller,
        requestId,
        audience: this.subgraphName,
        bodyHash: requestBodyHash(request.query, request.variables),
      }),
    );
  }
}
