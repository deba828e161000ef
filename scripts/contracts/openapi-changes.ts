import { apiCompare } from 'api-smart-diff';
import type { ContractChange, Severity } from './contract-change.js';

type JsonObject = Record<string, any>;
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']);

/** `tasks/items/properties/status/enum/4` -> `tasks[].status` */
function fieldPath(schemaPath: string[]): string {
  const names: string[] = [];
  for (let i = 0; i < schemaPath.length; i++) {
    if (schemaPath[i] === 'properties' && i + 1 < schemaPath.length) names.push(schemaPath[++i]);
    else if (schemaPath[i] === 'items' && names.length > 0) names[names.length - 1] += '[]';
  }
  return names.join('.');
}

/** Where in the API a diff path points: `GET /api/planning/tasks/{id} response 200 field title`. */
function describePlace(path: string[]): string {
  const [, route, method, part, ...rest] = path;
  if (!method || !METHODS.has(method)) return route ? `route ${route}` : path.join('.');
  const operation = `${method.toUpperCase()} ${route}`;
  const schemaAt = rest.indexOf('schema');
  const field = schemaAt >= 0 ? fieldPath(rest.slice(schemaAt + 1)) : '';
  const where = part === 'responses' ? `response ${rest[0]}` : part === 'requestBody' ? 'request body' : part === 'parameters' ? 'parameters' : (part ?? '');
  return [operation, where, field && `field \`${field}\``].filter(Boolean).join(' ');
}

/**
 * The change in words of our own: the library's descriptions misread properties named like JSON Schema keywords
 * (`title`, `description`) once a schema is used by several routes.
 */
function describeDiff(diff: { action: string; before?: unknown; after?: unknown; path: Array<string | number> }, place: string): string {
  const path = diff.path.map(String);
  const [last, parent] = [path.at(-1), path.at(-2)];
  const verb = { add: 'added', remove: 'removed', replace: 'changed', rename: 'renamed' }[diff.action] ?? diff.action;
  const value = JSON.stringify(diff.action === 'remove' ? diff.before : diff.after);
  if (path.length === 2) return `route ${verb}: ${path[1]}`;
  if (path.length === 3) return `operation ${verb}: ${place}`;
  if (parent === 'properties') return `property \`${last}\` ${verb} at ${place}`;
  if (parent === 'required') return `${value} ${diff.action === 'remove' ? 'is no longer required' : 'is now required'} at ${place}`;
  if (parent === 'enum') return `enum value ${value} ${verb} at ${place}`;
  return `${last} ${verb}${diff.action === 'remove' ? '' : ` (${value})`} at ${place}`;
}

/**
 * The REST shim's changes, by api-smart-diff (breaking / non-breaking rules of OpenAPI, which handle the 3.1 forms
 * this document uses: type arrays, `const`). Changes under `components` are left out: each shows, resolved, under
 * every route that uses it. An enum value added to a response is dangerous, not breaking (as GraphQL classes it).
 */
export function openapiChanges(released: JsonObject, current: JsonObject): ContractChange[] {
  // apiCompare normalizes the documents it is given in place (defaults dropped, nullable forms rewritten): give it copies.
  const { diffs } = apiCompare(structuredClone(released), structuredClone(current));
  const changes: ContractChange[] = [];
  for (const diff of diffs) {
    const path = diff.path.map(String);
    if (path[0] !== 'paths') continue;
    let severity: Severity = diff.type === 'breaking' ? 'breaking' : diff.type === 'unclassified' ? 'dangerous' : 'safe';
    if (severity === 'breaking' && diff.action === 'add' && path.includes('responses') && path.at(-2) === 'enum') severity = 'dangerous';
    const place = describePlace(path);
    changes.push({ kind: 'REST', severity, message: describeDiff(diff, place), location: `src/gateway/rest, paths.${path.slice(1).join('.')}` });
  }
  return changes;
}
