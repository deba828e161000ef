/** `then` for a value that may or may not be a promise: a plain value stays plain (the subgraph's `PrimedLoader` answers primed keys as plain values). */
export function whenLoaded<T, R>(value: T | Promise<T>, next: (loaded: T) => R): R | Promise<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}
