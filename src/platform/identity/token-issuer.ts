import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from './caller.js';
import type { SigningKey } from './signing-keys.js';

export interface IssueTokenInput {
  sub: string;
  orgId: string;
  roles: Role[];
  ttlSeconds: number;
  /** The calling application's name (`client` claim), counted by the gateway's deprecated-usage counts. */
  client?: string;
}

/** Signs access tokens (login, `focus-kraliki token mint`) with the gateway's current key. */
export class TokenIssuer {
  constructor(
    private readonly key: SigningKey,
    private readonly issuer: string,
    private readonly audience: string,
  ) {}

  async issue(input: IssueTokenInput, now = new Date()): Promise<{ token: string; jti: string; expiresIn: number }> {
    const jti = randomUUID();
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ org_id: input.orgId, roles: input.roles, ...(input.client ? { client: input.client } : {}) })
      .setProtectedHeader({ alg: 'EdDSA', kid: this.key.kid, typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setSubject(input.sub)
      .setJti(jti)
      .setIssuedAt(iat)
      .setExpirationTime(iat + input.ttlSeconds)
      .sign(this.key.privateKey);
    return { token, jti, expiresIn: input.ttlSeconds };
  }
}
