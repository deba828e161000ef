import { ForbiddenError } from '../../platform/errors/planning-error.js';

import type { Caller } from '../../platform/identity/caller.js';

export { type Caller, ROLES, type Role } from '../../platform/identity/caller.js';

/** viewer reads; member also writes tasks and projects; admin also deletes projects. */
export function assertCanRead(caller: Caller): void {
  if (!caller.roles.some((r) => r === 'viewer' || r === 'member' || r === 'admin')) {
    throw new ForbiddenError('Reading planning data needs the viewer, member or admin role');
  }
}

export function assertCanWrite(caller: Caller): void {
  if (!caller.roles.some((r) => r === 'member' || r === 'admin')) {
    throw new ForbiddenError('Changing tasks and projects needs the member or admin role');
  }
}

export function assertIsAdmin(caller: Caller): void {
  if (!caller.roles.includes('admin')) throw new ForbiddenError('Deleting projects needs the admin role');
}
