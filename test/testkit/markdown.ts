/**
 * Just enough Markdown reading for the documentation tests: sections by heading, table rows, links and the anchors
 * GitHub gives headings. Fenced code blocks are skipped everywhere, so an example's `# comment` is no heading.
 */

interface Line {
  text: string;
  inFence: boolean;
}

function linesOf(markdown: string): Line[] {
  let inFence = false;
  return markdown.split('\n').map((text) => {
    const fence = /^\s*(```|~~~)/.test(text);
    const line = { text, inFence: inFence || fence };
    if (fence) inFence = !inFence;
    return line;
  });
}

function headingOf(line: Line): { level: number; title: string } | undefined {
  const match = line.inFence ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line.text);
  return match ? { level: match[1].length, title: match[2] } : undefined;
}

/** The lines under the heading titled `title`, up to the next heading of its level or higher; undefined without it. */
export function sectionUnder(markdown: string, title: string): string | undefined {
  const lines = linesOf(markdown);
  const start = lines.findIndex((line) => headingOf(line)?.title === title);
  if (start < 0) return undefined;
  const level = headingOf(lines[start])!.level;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((line) => {
    const heading = headingOf(line);
    return heading !== undefined && heading.level <= level;
  });
  return (end < 0 ? rest : rest.slice(0, end)).map((line) => line.text).join('\n');
}

/** The body rows of every table in `markdown` (header and delimiter rows left out), each as its trimmed cells. */
export function tableRows(markdown: string): string[][] {
  const rows: string[][] = [];
  const lines = linesOf(markdown);
  lines.forEach((line, i) => {
    if (line.inFence || !line.text.trim().startsWith('|')) return;
    const isDelimiter = /^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(line.text);
    const isHeader = /^\s*\|(\s*:?-+:?\s*\|)+\s*$/.test(lines[i + 1]?.text ?? '');
    if (isDelimiter || isHeader) return;
    const cells = line.text.trim().replace(/^\||\|$/g, '').split(/(?<!\\)\|/);
    rows.push(cells.map((cell) => cell.trim()));
  });
  return rows;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
export function anchorOf(title: string): string {
  const text = title.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of every heading, numbered as GitHub numbers repeated ones (`-1`, `-2`, ...). */
export function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of linesOf(markdown)) {
    const heading = headingOf(line);
    if (!heading) continue;
    const base = anchorOf(heading.title);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The targets of the inline links `[text](target)` outside code blocks and code spans. */
export function linkTargetsOf(markdown: string): string[] {
  return linesOf(markdown)
    .filter((line) => !line.inFence)
    .flatMap((line) => [...line.text.replace(/`[^`]*`/g, '').matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]));
}
