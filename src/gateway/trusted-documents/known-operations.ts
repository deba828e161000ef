import { createHash } from 'node:crypto';
import { type DocumentNode, Kind, print } from 'graphql';
import * as frontendDocuments from '../../components/generated/graphql/graphql.js';
import { REST_OPERATIONS } from '../rest/rest-operations.js';

/** An operation this product itself sends: a typed frontend document or one of the REST shim's. */
export interface KnownOperation {
  /** The operation's name (`TaskListPage`, `RestGetTask`). */
  name: string;
  /** `components`: src/components/operations (as printed from the typed document); `rest`: the REST shim's. */
  source: 'components' | 'rest';
  /** The exact document string a client sends, with its fragments. */
  document: string;
  /** The lowercase hex SHA-256 of `document`: the APQ / persisted-document id (`extensions.persistedQuery.sha256Hash`). */
  sha256: string;
}

/** The hex SHA-256 of a document string, as Apollo's automatic persisted queries and persisted documents hash it. */
export function documentHashOf(document: string): string {
  return createHash('sha256').update(document).digest('hex');
}

let known: readonly KnownOperation[] | undefined;

/**
 * Every operation of this product, sorted by source and name: the frontend's typed documents (`npm run codegen`
 * from src/components/operations/*.graphql; the string is graphql-js `print` of the typed document, what Apollo
 * Client, urql's and graphql-request's `print` send) and the REST shim's (src/gateway/rest/rest-operations.ts, run
 * as written). This is the manifest `GATEWAY_TRUSTED_DOCUMENTS_ONLY=on` accepts.
 *
 * @example
 * const byHash = new Map(knownOperations().map((op) => [op.sha256, op]));
 */
export function knownOperations(): readonly KnownOperation[] {
  known ??= [...frontendOperations(), ...restOperations()].sort((a, b) => a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
  return known;
}

function frontendOperations(): KnownOperation[] {
  return Object.entries(frontendDocuments as Record<string, unknown>)
    .filter((entry): entry is [string, DocumentNode] => entry[0].endsWith('Document') && (entry[1] as DocumentNode | undefined)?.kind === Kind.DOCUMENT)
    .map(([exportName, node]) => {
      const operation = node.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
      const document = print(node);
      return { name: operation?.name?.value ?? exportName.replace(/Document$/, ''), source: 'components' as const, document, sha256: documentHashOf(document) };
    });
}

function restOperations(): KnownOperation[] {
  return Object.entries(REST_OPERATIONS).map(([name, document]) => ({ name, source: 'rest' as const, document, sha256: documentHashOf(document) }));
}
