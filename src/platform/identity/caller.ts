export const ROLES = ['viewer', 'member', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: established once per request by the trust mode (signed context, headers or JWT). */
export interface Caller {
  userId: string;
  orgId: string;
  roles: readonly Role[];
}
