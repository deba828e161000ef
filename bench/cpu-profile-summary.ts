/**
 * Reads the CPU profiles a bench run wrote (`BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR"`) and prints, per
 * process, the top frames by self time and the share of self time per module (a package under node_modules, a
 * folder of src/, Node's own internals, the garbage collector):
 *
 *   npx tsx bench/cpu-profile-summary.ts /tmp/prof [top frames, default 25]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

/** The module a frame belongs to: `pkg` (node_modules), `src/<folder>`, `node`, or the VM's own `(gc)`, `(program)`. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url.slice(Math.max(0, url.lastIndexOf('node_modules/'))));
  if (packageMatch) return packageMatch[1]!;
  if (url.startsWith('node:')) return 'node';
  const source = /\/(src|bench)\/((?:[^/]+\/)?)/.exec(url);
  if (source) return `${source[1]}/${source[2]!.replace(/\/$/, '')}`;
  return url;
}

/** Which of the bench's processes a profile is from, by the entry files it ran. */
function roleOf(nodes: ProfileNode[]): string {
  const names = new Set(nodes.flatMap((n) => [n.callFrame.url, n.callFrame.functionName]));
  const has = (part: string) => [...names].some((name) => name.includes(part));
  if (has('bench/servers/hive-gateway')) return 'hive gateway';
  if (has('bench/servers/stock-gateway')) return 'stock gateway';
  if (has('bench/servers/bare-server')) return 'bare server';
  if (has('src/gateway/subgraph-data-source')) return 'our gateway';
  if (has('src/subgraph/planning-server')) return has('verifyOneShot') ? 'planning subgraph (signed)' : 'planning subgraph';
  if (has('src/examples/comms')) return 'comms';
  if (has('tsx/dist')) return 'module loader thread';
  return 'other';
}

const dir = process.argv[2] ?? '/tmp/prof';
const top = Number(process.argv[3] ?? 25);
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const { nodes } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
  const all = nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  const busy = nodes.filter((n) => n.callFrame.functionName !== '(idle)').reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
  if (busy < 100) continue;
  const byFrame = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const node of nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || !node.hitCount) continue;
    const module = moduleOf(url, functionName);
    const frame = `${functionName || '(anonymous)'} ${module}${url ? `:${lineNumber + 1}` : ''}`;
    byFrame.set(frame, (byFrame.get(frame) ?? 0) + node.hitCount);
    byModule.set(module, (byModule.get(module) ?? 0) + node.hitCount);
  }
  const percent = (n: number) => `${((100 * n) / busy).toFixed(1)} %`;
  console.log(`\n## ${roleOf(nodes)} (${file}): ${busy} busy samples of ${all}`);
  console.log('modules:', [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([m, n]) => `${m} ${percent(n)}`).join(', '));
  for (const [frame, n] of [...byFrame].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${percent(n).padStart(7)}  ${frame}`);
}
