/**
 * Maps a request path to the route template it matched, the only path a metric label may carry (raw URLs hold
 * ids and would grow one series per object). Templates are exact paths (`/graphql`), OpenAPI-style patterns
 * (`/api/planning/tasks/{id}`) or prefixes ending in `/*`; a path matching none is `unmatched`.
 *
 * @example
 * const templateOf = routeTemplates(['/graphql', '/api/planning/tasks/{id}', '/docs/*']);
 * templateOf('/api/planning/tasks/5f0c...'); // '/api/planning/tasks/{id}'
 */
export function routeTemplates(templates: Iterable<string>): (pathname: string) => string {
  const exact = new Set<string>();
  const patterns: Array<[RegExp, string]> = [];
  const prefixes: Array<[string, string]> = [];
  for (const template of templates) {
    if (template.endsWith('/*')) prefixes.push([template.slice(0, -1), template]);
    else if (template.includes('{')) patterns.push([new RegExp(`^${template.split(/\{[^}]+\}/).map(escape).join('[^/]+')}/?$`), template]);
    else exact.add(template);
  }
  return (pathname) => {
    if (exact.has(pathname)) return pathname;
    const pattern = patterns.find(([regex]) => regex.test(pathname));
    if (pattern) return pattern[1];
    const prefix = prefixes.find(([start]) => pathname.startsWith(start) || `${pathname}/` === start);
    return prefix ? prefix[1] : 'unmatched';
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
