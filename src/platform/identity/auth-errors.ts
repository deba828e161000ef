import { PlanningError } from '../errors/planning-error.js';

/** Why a credential was refused; stable codes for logs and metrics, never more detail than helps the caller. */
export type AuthFailureReason =
  | 'missing_token'
  | 'malformed_token'
  | 'token_too_large'
  | 'unsupported_algorithm'
  | 'forbidden_header'
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_claims'
  | 'revoked'
  | 'invalid_context';

/** A request that must be answered 401 (`WWW-Authenticate: Bearer`). */
export class AuthenticationError extends PlanningError {
  readonly code = 'UNAUTHENTICATED';
  constructor(
    readonly reason: AuthFailureReason,
    message: string,
  ) {
    super(message, { reason });
  }
}

/** A dependency of authentication (the revocation store) is unavailable: answer 503, never 200 or 401. */
export class AuthUnavailableError extends PlanningError {
  readonly code = 'SERVICE_UNAVAILABLE';
}
