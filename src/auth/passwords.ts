import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters. */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** OWASP Password Storage Cheat Sheet, scrypt: N=2^17, r=8, p=1 (128 MiB, ~0.3 s per hash). */
export const OWASP_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    // scrypt needs 128·N·r bytes; the default maxmem (32 MiB) is below OWASP's parameters.
    scrypt(password, salt, KEY_LENGTH, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$N=…,r=…,p=…$salt$hash`, base64url parts (hashes before issue 9 read `scrypt$N$salt$hash`, r=8, p=1). */
export async function hashPassword(password: string, params: ScryptParams = OWASP_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parseParams(text: string): ScryptParams | null {
  if (/^\d{1,10}$/.test(text)) return { N: Number(text), r: 8, p: 1 };
  const m = /^N=(\d{1,10}),r=(\d{1,4}),p=(\d{1,4})$/.exec(text);
  return m ? { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) } : null;
}

export interface PasswordCheck {
  ok: boolean;
  /** The stored hash used other parameters than the current ones: store a new hash now that the password is known. */
  needsRehash: boolean;
}

/** Checks a password against a stored hash; an unreadable hash (an erased account's) never matches. */
export async function verifyPassword(password: string, stored: string, current: ScryptParams = OWASP_SCRYPT): Promise<PasswordCheck> {
  const [scheme, paramText, salt, hash] = stored.split('$');
  const params = paramText ? parseParams(paramText) : null;
  if (scheme !== 'scrypt' || !params || !salt || !hash) return { ok: false, needsRehash: false };
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), params);
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  return { ok, needsRehash: ok && (params.N !== current.N || params.r !== current.r || params.p !== current.p) };
}

/** A hash of a random password with the current parameters: compared against when the account is unknown, so a miss costs the same time. */
export function dummyHash(params: ScryptParams): Promise<string> {
  return hashPassword(randomBytes(16).toString('hex'), params);
}
