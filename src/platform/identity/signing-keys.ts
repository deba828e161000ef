import { PlanningError } from '../errors/planning-error.js';
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

/** An Ed25519 key pair with its `kid` (the RFC 7638 thumbprint of the public JWK). */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** The keys a process signs and verifies with: the current signing key plus older public keys still accepted. */
export interface KeyRing {
  current: SigningKey;
  /** Public JWKs accepted besides the current one (key rotation: the previous key stays valid for a while). */
  additional: JWK[];
  /** JWKS published at /.well-known/jwks.json. */
  jwks: { keys: JWK[] };
}

export class KeyLoadError extends PlanningError {
  readonly code = 'KEY_INVALID';
}

/** Reads an Ed25519 private key from PKCS#8 PEM or a private JWK (JSON). */
export function parsePrivateKey(text: string, source: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    key = trimmed.startsWith('{')
      ? createPrivateKey({ key: JSON.parse(trimmed) as import('node:crypto').JsonWebKey, format: 'jwk' })
      : createPrivateKey(trimmed);
  } catch (error) {
    throw new KeyLoadError(`${source}: not a PKCS#8 PEM or private JWK (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new KeyLoadError(`${source}: must be an Ed25519 key, got ${key.asymmetricKeyType}`);
  }
  return key;
}

export async function toSigningKey(privateKey: KeyObject): Promise<SigningKey> {
  const publicJwk = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' } };
}

/** A new Ed25519 private key as PKCS#8 PEM (`focus-kraliki keys generate`). */
export function generatePrivateKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export interface KeySources {
  /** PEM or JWK text (AUTH_PRIVATE_KEY). */
  privateKey?: string;
  /** Path of a PEM or JWK file (AUTH_PRIVATE_KEY_FILE). */
  privateKeyFile?: string;
  /** Path of a JWKS file with further public keys still accepted (AUTH_ADDITIONAL_PUBLIC_KEYS_FILE). */
  additionalPublicKeysFile?: string;
  /** Development only: where a key is generated once when none is configured. */
  developmentKeyDir?: string;
}

/**
 * Loads the key ring. With no key configured, development generates one into `developmentKeyDir` (kept across
 * restarts); production has no `developmentKeyDir` and refuses.
 */
export async function loadKeyRing(sources: KeySources): Promise<KeyRing> {
  let pem: string;
  let source: string;
  if (sources.privateKey) {
    pem = sources.privateKey;
    source = 'AUTH_PRIVATE_KEY';
  } else if (sources.privateKeyFile) {
    pem = await readFile(sources.privateKeyFile, 'utf8').catch((error: Error) => {
      throw new KeyLoadError(`AUTH_PRIVATE_KEY_FILE: cannot read ${sources.privateKeyFile}: ${error.message}`);
    });
    source = 'AUTH_PRIVATE_KEY_FILE';
  } else if (sources.developmentKeyDir) {
    const file = join(sources.developmentKeyDir, 'gateway-ed25519.pem');
    if (!existsSync(file)) {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, generatePrivateKeyPem(), { mode: 0o600 });
    }
    pem = await readFile(file, 'utf8');
    source = file;
  } else {
    throw new KeyLoadError('AUTH_PRIVATE_KEY_FILE or AUTH_PRIVATE_KEY is required in production');
  }
  const current = await toSigningKey(parsePrivateKey(pem, source));
  const additional: JWK[] = [];
  if (sources.additionalPublicKeysFile) {
    const text = await readFile(sources.additionalPublicKeysFile, 'utf8').catch((error: Error) => {
      throw new KeyLoadError(`AUTH_ADDITIONAL_PUBLIC_KEYS_FILE: cannot read: ${error.message}`);
    });
    const parsed = JSON.parse(text) as { keys?: JWK[] };
    for (const jwk of parsed.keys ?? []) {
      if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || jwk.d) {
        throw new KeyLoadError('AUTH_ADDITIONAL_PUBLIC_KEYS_FILE: every key must be a public Ed25519 JWK');
      }
      const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
      additional.push({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: 'EdDSA', use: 'sig' });
    }
  }
  return { current, additional, jwks: { keys: [current.publicJwk, ...additional] } };
}
