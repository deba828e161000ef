import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../modules/common/cursor.js';

/** An event from another module. `id` and `source` may be missing (CONTRACTS.md); everything else is required. */
export const inboundEnvelopeSchema = z.object({
  id: z.string().min(1).max(200).optional(),
  type: z.string().min(1).max(100),
  source: z.string().optional(),
  timestamp: z.string().optional(),
  user_id: z.string().min(1, 'must not be empty').max(128),
  org_id: z.string().min(1, 'must not be empty').max(128),
  data: z.record(z.string(), z.unknown(), { message: 'must be an object' }),
});
export type InboundEnvelope = z.output<typeof inboundEnvelopeSchema>;

/**
 * The key an event is deduplicated on: its org, type and id (two orgs may use the same ids), or a hash of the
 * canonical event (org included) when it has none.
 */
export function eventKey(envelope: InboundEnvelope): string {
  if (envelope.id) return `id:${envelope.org_id}:${envelope.type}:${envelope.id}`;
  return `sha256:${createHash('sha256').update(canonicalJson(envelope)).digest('hex')}`;
}

/** Describes a zod failure in one line, each problem with its path. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`).join('; ');
}
