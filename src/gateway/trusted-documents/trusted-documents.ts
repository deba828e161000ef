import { type DocumentNode, print } from 'graphql';
import { LRUCache } from 'lru-cache';
import { boundedLogText } from '../../platform/logging/bounded-text.js';
import { type KnownOperation, knownOperations } from './known-operations.js';

/** The code of a request naming a hash (or document id) that is not in the manifest (Apollo Router's code). */
export const NOT_IN_LIST = 'PERSISTED_QUERY_NOT_IN_LIST';
/** The code of a request sending a document that is not in the manifest (Apollo Router's code for its safelist). */
export const NOT_IN_SAFELIST = 'QUERY_NOT_IN_SAFELIST';

/** What a request asks to run: its document, or the id of one. */
export interface RequestedDocument {
  query?: string;
  /** `extensions.persistedQuery.sha256Hash` (Apollo's APQ and persisted queries). */
  persistedQueryHash?: string;
  /** `documentId` (GraphQL-over-HTTP persisted documents, Hive): the hex SHA-256, optionally as `sha256:<hex>`. */
  documentId?: string;
}

export type TrustDecision = { query: string | undefined } | { refusal: { message: string; extensions: { code: string } } };

/** Documents whose normalised form was looked up, remembered at most. */
const MAX_NORMALISED = 1000;

/**
 * The gateway's trusted-documents mode (`GATEWAY_TRUSTED_DOCUMENTS_ONLY=on`): only the operations of
 * {@link knownOperations} run, sent by hash (`extensions.persistedQuery.sha256Hash` without `query`, or `documentId`)
 * or as full text. The text must be the manifest's, or differ only in what graphql-js `print` drops (whitespace,
 * commas, comments); anything else is refused before it is priced or planned.
 */
export class TrustedDocuments {
  private readonly byHash = new Map<string, KnownOperation>();
  private readonly texts = new Set<string>();
  private readonly printed = new Set<string>();
  private readonly normalised = new LRUCache<string, boolean>({ max: MAX_NORMALISED });

  constructor(operations: readonly KnownOperation[] = knownOperations()) {
    for (const operation of operations) {
      this.byHash.set(operation.sha256, operation);
      this.texts.add(operation.document);
    }
  }

  /** The manifest, by hash (so Apollo's APQ store can answer a hash-only request for a known operation). */
  get operations(): ReadonlyMap<string, KnownOperation> {
    return this.byHash;
  }

  /** True when `query` is a manifest document as written (the REST shim's own operations). */
  isKnownText(query: string): boolean {
    return this.texts.has(query);
  }

  /**
   * The document to run (the manifest's, for a request by id), or the refusal to answer with 400.
   * `parsed` gives the parsed document of a text (the gateway's cache), for the normalised comparison.
   */
  decide(request: RequestedDocument, parsed: (query: string) => DocumentNode | null): TrustDecision {
    const id = request.documentId ?? (request.query === undefined ? request.persistedQueryHash : undefined);
    if (id !== undefined) {
      const known = this.byHash.get(id.replace(/^sha256:/, '').toLowerCase());
      if (!known) return refusal(NOT_IN_LIST, `Only trusted documents are accepted here: no operation in the manifest has the hash "${boundedLogText(id)}"`);
      if (request.query !== undefined && request.query !== known.document) return refusal(NOT_IN_SAFELIST, 'Send either documentId or query, not both: the query differs from the document with that id');
      return { query: known.document };
    }
    if (request.query === undefined || this.texts.has(request.query)) return { query: request.query };
    if (this.isKnownWhenPrinted(request.query, parsed)) return { query: request.query };
    return refusal(NOT_IN_SAFELIST, "Only trusted documents are accepted here: this operation is not in the manifest (send a known operation's document or its sha256 hash)");
  }

  private isKnownWhenPrinted(query: string, parsed: (query: string) => DocumentNode | null): boolean {
    let known = this.normalised.get(query);
    if (known === undefined) {
      if (this.printed.size === 0) for (const operation of this.byHash.values()) this.printed.add(printedOrNull(operation.document, parsed) ?? '');
      const document = parsed(query);
      known = document !== null && this.printed.has(print(document));
      this.normalised.set(query, known);
    }
    return known;
  }
}

function printedOrNull(query: string, parsed: (query: string) => DocumentNode | null): string | null {
  const document = parsed(query);
  return document && print(document);
}

function refusal(code: string, message: string): TrustDecision {
  return { refusal: { message, extensions: { code } } };
}
