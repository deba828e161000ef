/** The longest client-chosen text (an operation name, say) a log line or a metric label carries. */
export const MAX_LOGGED_TEXT = 64;

/**
 * A client-chosen string as logs carry it: at most {@link MAX_LOGGED_TEXT} characters, control characters replaced,
 * and a longer one cut with its full length said (`Op_AAAA…[250000 chars]`), so that no client can grow a log line.
 */
export function boundedLogText(text: string, max?: number): string;
export function boundedLogText(text: string | undefined, max?: number): string | undefined;
export function boundedLogText(text: string | undefined, max: number = MAX_LOGGED_TEXT): string | undefined {
  if (text === undefined) return undefined;
  const clean = text.length <= max ? text : text.slice(0, max);
  const printable = clean.replace(/[\u0000-\u001f\u007f]/g, '?');
  return text.length <= max ? printable : `${printable}…[${text.length} chars]`;
}
