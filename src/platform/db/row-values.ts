/**
 * A `timestamptz` as the ORM's connection returns it in raw rows (text such as `2026-11-25 19:14:12.691959+00`,
 * the ORM parses its own entities) as a Date.
 *
 * PostgreSQL's own text form is read by position (a page of tasks holds about a hundred of these, and the generic
 * `Date` parse after string rewriting cost a few percent of the subgraph's CPU); anything else goes to `Date`.
 */
export function timestampFromRow(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const text = String(value);
  return parsePostgresTimestamp(text) ?? new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

const digitAt = (text: string, index: number) => text.charCodeAt(index) - 48;
const isDigit = (code: number) => code >= 0 && code <= 9;

/**
 * The decimal number of `length` digits at `start` of `text`; NaN when one is not a digit. At module level rather than
 * a closure in the parser: it runs for every timestamp of every row, and the TypeScript loader names each closure it
 * makes (a call per closure per timestamp).
 */
function digitsAt(text: string, start: number, length: number): number {
  let result = 0;
  for (let i = start; i < start + length; i++) {
    const digit = digitAt(text, i);
    if (!isDigit(digit)) return NaN;
    result = result * 10 + digit;
  }
  return result;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]` (PostgreSQL's ISO output), else undefined. */
function parsePostgresTimestamp(text: string): Date | undefined {
  if (text.length < 22 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return undefined;
  let index = 19;
  let milliseconds = 0;
  if (text[index] === '.') {
    index++;
    let digits = 0;
    while (isDigit(digitAt(text, index))) {
      if (digits < 3) milliseconds = milliseconds * 10 + digitAt(text, index);
      digits++;
      index++;
    }
    if (digits === 0) return undefined;
    for (; digits < 3; digits++) milliseconds *= 10;
  }
  const sign = text[index] === '+' ? 1 : text[index] === '-' ? -1 : 0;
  if (sign === 0) return undefined;
  const offsetHours = digitsAt(text, index + 1, 2);
  let offsetMinutes = 0;
  let offsetSeconds = 0;
  let end = index + 3;
  if (text[end] === ':') {
    offsetMinutes = digitsAt(text, end + 1, 2);
    end += 3;
    if (text[end] === ':') {
      offsetSeconds = digitsAt(text, end + 1, 2);
      end += 3;
    }
  }
  if (end !== text.length) return undefined;
  const utc = Date.UTC(
    digitsAt(text, 0, 4),
    digitsAt(text, 5, 2) - 1,
    digitsAt(text, 8, 2),
    digitsAt(text, 11, 2),
    digitsAt(text, 14, 2),
    digitsAt(text, 17, 2),
    milliseconds,
  );
  const offsetMs = sign * ((offsetHours * 60 + offsetMinutes) * 60 + offsetSeconds) * 1000;
  const time = utc - offsetMs;
  return Number.isNaN(time) ? undefined : new Date(time);
}
