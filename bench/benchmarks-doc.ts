import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const DOC = new URL('../docs/benchmarks.md', import.meta.url);

/**
 * Writes one generated section of docs/benchmarks.md between `<!-- <name>:start -->` and `<!-- <name>:end -->`,
 * keeping every other section as it is (the HTTP bench and the fault drills are written by separate commands).
 * A missing section is appended.
 */
export function writeDocSection(name: string, content: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  let doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  if (!doc.startsWith('# Benchmarks')) doc = '# Benchmarks\n';
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  doc = from >= 0 && to > from ? doc.slice(0, from) + block + doc.slice(to + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, doc);
}
