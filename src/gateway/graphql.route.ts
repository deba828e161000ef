import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import { type DocumentNode, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { LRUCache } from 'lru-cache';
import { apiSchemaOf } from '../platform/federation/api-schema.js';
import { graphqlParamsOf, HttpError, readBody, respondWithGraphQL, sendJson } from '../platform/http/graphql-http.js';
import { JSON_PROBLEM_MESSAGES, MAX_JSON_DEPTH, tooDeepPath } from '../platform/json/json-problems.js';
import { boundedLogText } from '../platform/logging/bounded-text.js';
import { operationNameOf, requestLogFields } from '../platform/logging/request-log.js';
import type { Admission } from './admission.js';
import { csrfRefusal } from './csrf-refusal.js';
import type { GatewayContext } from './gateway-context.js';
import { GATEWAY_MAX_BODY_BYTES, type GatewayPipeline, type RouteHandler } from './gateway-options.js';
import { documentSizeCost, MAX_OPERATION_COST, operationCost } from './limits/operation-cost.js';
import { PersistedDocuments } from './persisted-documents.js';
import { NOT_IN_SAFELIST, type TrustedDocuments } from './trusted-documents/trusted-documents.js';

/** Documents parsed for pricing, remembered at most (a gateway sees a bounded set of documents). */
const MAX_PARSED_DOCUMENTS = 1000;

/** What a request's document costs, and the documents behind persisted-query hashes. */
export class RequestPricing {
  readonly persistedDocuments = new PersistedDocuments();
  /** The API schema, built with this package's graphql-js. */
  readonly schema;
  private readonly parsed = new LRUCache<string, { document: DocumentNode | null }>({ max: MAX_PARSED_DOCUMENTS });

  constructor(supergraphSdl: string) {
    this.schema = apiSchemaOf(supergraphSdl);
  }

  /** The document of `query`, or null when it does not parse (Apollo answers that with 400). */
  documentOf(query: string): DocumentNode | null {
    let parsed = this.parsed.get(query);
    if (parsed === undefined) {
      try {
        parsed = { document: parse(query, { maxTokens: 5000 }) };
      } catch {
        parsed = { document: null };
      }
      this.parsed.set(query, parsed);
    }
    return parsed.document;
  }

  /** The rate-limit cost of a request: what its operation asks for (operation-cost.ts) plus the document's size. */
  costOf = (query: string, variables: Record<string, unknown> = {}, operationName?: string): number => {
    const document = this.documentOf(query);
    return Math.min(MAX_OPERATION_COST, (document ? operationCost(this.schema, document, variables, operationName) : 1) + documentSizeCost(query));
  };
}

/**
 * `/graphql`: the token first (a request without a valid one is answered before its body is read), then the body,
 * its cost charged, the client mistakes Apollo's gateway would answer with 500 refused, and Apollo runs the rest.
 */
export function graphqlRoute(deps: {
  apollo: () => ApolloServer<GatewayContext>;
  admission: Admission;
  pricing: RequestPricing;
  compressionMinBytes: number;
  /** Trusted-documents mode: only these operations run (see trusted-documents.ts). */
  trusted?: TrustedDocuments;
}): RouteHandler {
  const { admission, pricing } = deps;
  return async (req: IncomingMessage, res: ServerResponse) => {
    const claims = await admission.authenticate(req, res);
    if (!claims) return;
    const forgeable = csrfRefusal(req);
    if (forgeable) return sendJson(res, 400, { errors: [forgeable] });
    let body: unknown;
    try {
      body = await readBody(req, GATEWAY_MAX_BODY_BYTES);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 400;
      return sendJson(res, status, { errors: [{ message: (error as Error).message, extensions: { code: 'BAD_REQUEST' } }] });
    }
    const params = graphqlParamsOf(body, req.url);
    const trust = deps.trusted?.decide({ ...params, documentId: documentIdOf(body) }, (text) => pricing.documentOf(text));
    const untrusted = trust && 'refusal' in trust ? trust.refusal : undefined;
    if (trust && 'query' in trust && trust.query !== params.query && req.method === 'POST') {
      // Sent by hash in a POST body: Apollo runs the manifest's document (a GET one is in its pinned APQ store).
      const { documentId: _documentId, ...rest } = body as Record<string, unknown>;
      body = { ...rest, query: trust.query };
      params.query = trust.query;
    }
    // A persisted query sent by its hash alone costs what the document it stands for costs.
    const query = params.query ?? (params.persistedQueryHash ? pricing.persistedDocuments.documentOf(params.persistedQueryHash) : undefined);
    // Variables set page sizes (GET carries them as JSON in the URL), so the cost must see them.
    const variables = params.variables && typeof params.variables === 'object' && !Array.isArray(params.variables) ? (params.variables as Record<string, unknown>) : {};
    const operationName = operationNameOf(body, req.url);
    const document = query ? pricing.documentOf(query) : null;
    requestLogFields(req).operationName = boundedLogText(operationName ?? singleOperationName(document));
    const context = await admission.admit(req, res, () => (query && !untrusted ? pricing.costOf(query, variables, operationName) : 1), 'graphql', claims);
    if (!context) return;
    if (untrusted) return sendJson(res, 400, { errors: [untrusted] });
    const refusal = operationRefusal(document, operationName) ?? tooDeepVariables(variables);
    if (refusal) return sendJson(res, 400, { errors: [refusal] });
    await respondWithGraphQL(deps.apollo(), req, res, body, async () => context, {}, { compressionMinBytes: deps.compressionMinBytes });
  };
}

/** The request path for other entry points (the REST shim): the same admission, checks and Apollo server. */
export function gatewayPipeline(deps: { apollo: () => ApolloServer<GatewayContext>; admission: Admission; pricing: RequestPricing; trusted?: TrustedDocuments }): GatewayPipeline {
  return {
    authenticate: deps.admission.authenticate,
    admit: deps.admission.admit,
    costOf: deps.pricing.costOf,
    async execute(context, request) {
      if (context.logFields && request.operationName) context.logFields.operationName = boundedLogText(request.operationName);
      // The shim's operations are in the manifest; one that is not is refused as any client's would be.
      if (deps.trusted && !deps.trusted.isKnownText(request.query)) {
        return { errors: [{ message: `Only trusted documents are accepted here: ${boundedLogText(request.operationName ?? 'this operation')} is not in the manifest`, extensions: { code: NOT_IN_SAFELIST } }] };
      }
      const refusal = operationRefusal(deps.pricing.documentOf(request.query), request.operationName) ?? tooDeepVariables(request.variables ?? {});
      if (refusal) return { errors: [refusal] };
      const response = await deps.apollo().executeOperation(request, { contextValue: context });
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not supported here');
      return response.body.singleResult;
    },
  };
}

/**
 * A BAD_USER_INPUT error naming the variable that nests past {@link MAX_JSON_DEPTH}, or undefined: refused at the
 * edge, before the gateway hashes the variables for the signed context (a recursive walk).
 */
function tooDeepVariables(variables: Record<string, unknown>) {
  const path = tooDeepPath(variables, MAX_JSON_DEPTH);
  if (!path) return undefined;
  const field = path.join('.');
  return { message: `variables.${field}: ${JSON_PROBLEM_MESSAGES.depth}`, extensions: { code: 'BAD_USER_INPUT', fields: [field], problems: [{ field, message: JSON_PROBLEM_MESSAGES.depth }] } };
}

/**
 * A 400 error for a document whose operation cannot be chosen (an `operationName` it does not hold, several
 * operations and no name) or is a subscription (this gateway serves none), or undefined. Apollo's gateway answers
 * those with 500; a document that does not parse is left to Apollo (400).
 */
function operationRefusal(document: DocumentNode | null, operationName: string | undefined) {
  if (!document) return undefined;
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length === 0) return undefined;
  const chosen = operationName ? operations.filter((o) => o.name?.value === operationName) : operations;
  let message: string | undefined;
  if (operationName && chosen.length === 0) message = `The document holds no operation named "${boundedLogText(operationName)}"`;
  else if (!operationName && chosen.length > 1) message = 'The document holds several operations: name the one to run in operationName';
  else if (chosen[0]!.operation === 'subscription') message = 'Subscriptions are not served here';
  return message ? { message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } } : undefined;
}

/** The `documentId` of a POST body (GraphQL-over-HTTP persisted documents), when it is a string. */
function documentIdOf(body: unknown): string | undefined {
  const id = body && typeof body === 'object' ? (body as { documentId?: unknown }).documentId : undefined;
  return typeof id === 'string' ? id : undefined;
}

/** The name of the document's operation when it holds exactly one named operation. */
function singleOperationName(document: DocumentNode | null): string | undefined {
  const operations = document?.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION) ?? [];
  return operations.length === 1 && operations[0]!.kind === Kind.OPERATION_DEFINITION ? operations[0]!.name?.value : undefined;
}
