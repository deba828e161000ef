/** One scrape of a `/metrics` endpoint, parsed from the Prometheus text format. */
export interface Scrape {
  /** The sample `name` whose labels include every one of `labels`, summed over the rest (0 when none). */
  value(name: string, labels?: Record<string, string>): number;
  /** Every label set of the samples named `name`. */
  labelSets(name: string): Array<Record<string, string>>;
  text: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Fetches and parses `url` (a `/metrics` endpoint); fails unless it answers 200 in the text format. */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  if (!response.headers.get('content-type')?.startsWith('text/plain')) throw new Error(`${url} is not the text format`);
  const text = await response.text();
  const samples = text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = SAMPLE.exec(line);
      if (!match) throw new Error(`unparsable sample: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(LABEL)].map((m) => [m[1]!, m[2]!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
  const matching = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    text,
    value: (name, labels) => matching(name, labels).reduce((sum, s) => sum + s.value, 0),
    labelSets: (name) => matching(name).map((s) => s.labels),
  };
}
