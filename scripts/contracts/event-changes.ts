import type { ContractChange, Severity } from './contract-change.js';

type JsonObject = Record<string, any>;
type Direction = 'published' | 'consumed';
type Report = (severity: Severity, message: string) => void;

/** `{anyOf: [X, {type: 'null'}]}` (zod's nullable) read as X that also admits null. */
function normalize(schema: JsonObject): JsonObject {
  const branches = schema.anyOf as JsonObject[] | undefined;
  if (!branches || branches.length !== 2) return schema;
  const nonNull = branches.filter((b) => !(b.type === 'null' && Object.keys(b).length === 1));
  if (nonNull.length !== 1) return schema;
  const { anyOf: _anyOf, ...rest } = schema;
  return { ...rest, ...nonNull[0], type: [...typesOf(nonNull[0]), 'null'] };
}

function typesOf(schema: JsonObject): string[] {
  if (schema.const !== undefined) return [schema.const === null ? 'null' : typeof schema.const === 'number' ? 'number' : typeof schema.const];
  if (schema.type === undefined) return ['any'];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.flatMap((t: string) => (t === 'integer' ? ['integer'] : t === 'number' ? ['number', 'integer'] : [t]));
}

const valuesOf = (schema: JsonObject): unknown[] | undefined => (schema.enum ?? (schema.const !== undefined ? [schema.const] : undefined));
const list = (values: unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');
const notIn = (values: unknown[], other: unknown[]) => values.filter((v) => !other.some((o) => JSON.stringify(o) === JSON.stringify(v)));

const LOWER_BOUNDS = ['minimum', 'minLength', 'minItems', 'minProperties'];
const UPPER_BOUNDS = ['maximum', 'maxLength', 'maxItems', 'maxProperties'];

/**
 * Compares one schema node. Published: every event the new schema allows must satisfy the released one (a consumer
 * of the released schema reads it). Consumed: the new schema must accept every event the released one allowed.
 */
function compareNode(before: JsonObject, after: JsonObject, direction: Direction, at: string, report: Report): void {
  const [old, now] = [normalize(before), normalize(after)];
  const [oldTypes, newTypes] = [typesOf(old), typesOf(now)];
  const [narrowed, widened] = [notIn(oldTypes, newTypes).filter(() => !newTypes.includes('any')), notIn(newTypes, oldTypes).filter(() => !oldTypes.includes('any'))];
  const retyped = direction === 'published' ? widened.length > 0 : narrowed.length > 0;
  if (retyped) {
    // The rest (bounds, enums, fields) of a retyped node says nothing more to a reader.
    report('breaking', `\`${at}\` was retyped from ${oldTypes.join('|')} to ${newTypes.join('|')}`);
    return;
  }
  if (narrowed.length || widened.length) report('safe', `\`${at}\` type ${oldTypes.join('|')} -> ${newTypes.join('|')}`);

  const [oldValues, newValues] = [valuesOf(old), valuesOf(now)];
  if (oldValues) {
    const removed = newValues ? notIn(oldValues, newValues) : [];
    const added = newValues ? notIn(newValues, oldValues) : ['any value'];
    if (removed.length) report('breaking', `\`${at}\` no longer allows ${list(removed)}`);
    if (added.length) report(direction === 'published' ? 'dangerous' : 'safe', `\`${at}\` now allows ${list(added)}`);
  } else if (newValues && direction === 'consumed') report('breaking', `\`${at}\` now only accepts ${list(newValues)}`);

  for (const bound of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
    if (old[bound] === now[bound]) continue;
    const isLower = LOWER_BOUNDS.includes(bound);
    const tighter = now[bound] !== undefined && (old[bound] === undefined || (isLower ? now[bound] > old[bound] : now[bound] < old[bound]));
    const description = `\`${at}\` ${bound} ${old[bound] ?? 'none'} -> ${now[bound] ?? 'none'}`;
    report(tighter ? (direction === 'consumed' ? 'breaking' : 'safe') : direction === 'published' ? 'dangerous' : 'safe', description);
  }
  if (old.pattern !== now.pattern || old.format !== now.format) report('dangerous', `\`${at}\` pattern or format changed`);

  compareProperties(old, now, direction, at, report);
  if (old.items && now.items) compareNode(old.items, now.items, direction, `${at}[]`, report);
}

function compareProperties(old: JsonObject, now: JsonObject, direction: Direction, at: string, report: Report): void {
  const [oldProps, newProps] = [old.properties ?? {}, now.properties ?? {}];
  const [oldRequired, newRequired] = [new Set<string>(old.required ?? []), new Set<string>(now.required ?? [])];
  for (const name of Object.keys(oldProps)) {
    const field = `${at}.${name}`;
    if (!(name in newProps)) {
      if (direction === 'published') report(oldRequired.has(name) ? 'breaking' : 'dangerous', `${oldRequired.has(name) ? 'required' : 'optional'} field \`${field}\` was removed`);
      else report(now.additionalProperties === false ? 'breaking' : 'safe', `field \`${field}\` is no longer read`);
      continue;
    }
    if (direction === 'published' && oldRequired.has(name) && !newRequired.has(name)) report('breaking', `field \`${field}\` is no longer always present`);
    if (direction === 'consumed' && !oldRequired.has(name) && newRequired.has(name)) report('breaking', `field \`${field}\` became required`);
    compareNode(oldProps[name], newProps[name], direction, field, report);
  }
  for (const name of Object.keys(newProps).filter((n) => !(n in oldProps))) {
    const breaks = direction === 'consumed' && newRequired.has(name);
    report(breaks ? 'breaking' : 'safe', `${newRequired.has(name) ? 'required' : 'optional'} field \`${at}.${name}\` was added`);
  }
}

/**
 * The event changes between two AsyncAPI documents, message by message, by JSON Schema compatibility of the payloads
 * (the rules in docs/contracts.md). An event no longer published or consumed is breaking; a new one is safe.
 */
export function eventChanges(released: JsonObject, current: JsonObject): ContractChange[] {
  const [oldMessages, newMessages] = [released.components?.messages ?? {}, current.components?.messages ?? {}] as JsonObject[];
  const changes: ContractChange[] = [];
  for (const [type, message] of Object.entries<JsonObject>(oldMessages)) {
    const direction: Direction = message['x-direction'];
    const location = `${message['x-source-file']}, channel ${type}`;
    const next = newMessages[type];
    if (!next || next['x-direction'] !== direction) {
      changes.push({ kind: 'Event', severity: 'breaking', message: `${type} is no longer ${direction} by planning`, location });
      continue;
    }
    const report: Report = (severity, text) => changes.push({ kind: 'Event', severity, message: `${type} (${direction}): ${text}`, location: `${next['x-source-file']}, channel ${type}` });
    compareNode(message.payload, next.payload, direction, 'payload', report);
  }
  for (const [type, message] of Object.entries<JsonObject>(newMessages).filter(([t]) => !(t in oldMessages))) {
    changes.push({ kind: 'Event', severity: 'safe', message: `${type} is now ${message['x-direction']} by planning`, location: `${message['x-source-file']}, channel ${type}` });
  }
  return changes;
}
