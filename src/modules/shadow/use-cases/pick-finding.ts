import type { Finding, FindingKind } from '../productivity-analysis.js';

/** Below this a finding is a hint rather than a pattern: used only when nothing firmer is left. */
const FIRM_CONFIDENCE = 0.3;

/**
 * The finding a new day of the journey is paired with: the most pressing kind the journey has not shown yet with
 * some evidence behind it, else the most confident unseen kind, else (every kind shown) the most confident finding;
 * null when the history shows nothing.
 */
export function pickFinding(findings: readonly Finding[], used: readonly FindingKind[]): Finding | null {
  const unseen = findings.filter((f) => !used.includes(f.kind));
  const mostConfident = (list: readonly Finding[]) => [...list].sort((a, b) => b.confidence - a.confidence)[0] ?? null;
  return unseen.find((f) => f.confidence >= FIRM_CONFIDENCE) ?? mostConfident(unseen) ?? mostConfident(findings);
}
