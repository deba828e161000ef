/** Orders strings by UTF-16 code units, as `Array.prototype.sort` does by default: the lock orders rely on it. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
