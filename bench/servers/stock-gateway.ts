/**
 * S6, the peer: a stock `@apollo/gateway` with default settings (standalone server, default data sources), in front
 * of the same planning subgraph (run in `headers` trust mode for it). The only addition is the caller headers a
 * subgraph needs at all.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

class CallerHeaders extends RemoteGraphQLDataSource {
  override willSendRequest({ request }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]) {
    request.http!.headers.set('x-user-id', 'bench-user');
    request.http!.headers.set('x-org-id', 'bench');
    request.http!.headers.set('x-roles', 'member');
  }
}

const subgraphUrl = process.env.SUBGRAPH_PLANNING_URL!;
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'),
  buildService: ({ name, url }) => new CallerHeaders({ url: name === 'planning' ? subgraphUrl : url }),
});
const server = new ApolloServer({ gateway });
await startStandaloneServer(server, { listen: { port: Number(process.env.PORT), host: '127.0.0.1' } });
console.log('ready');
