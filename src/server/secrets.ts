import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

interface Secrets {
  jwtSecret: string;
  adminKey: string;
}

/**
 * Development convenience: secrets not given in the environment are generated once and kept in
 * `dataDir/secrets.json` (mode 0600), so tokens and the admin key survive restarts. Production
 * must set them (config validation refuses to start otherwise).
 */
export async function loadOrCreateSecrets(dataDir: string, given: Partial<Secrets>): Promise<Secrets> {
  if (given.jwtSecret && given.adminKey) return given as Secrets;
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<Secrets> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<Secrets>;
  } catch {
    // first start: generated below
  }
  const kept: Secrets = {
    jwtSecret: stored.jwtSecret ?? randomBytes(32).toString('base64url'),
    adminKey: stored.adminKey ?? `zak_${randomBytes(24).toString('base64url')}`,
  };
  if (kept.jwtSecret !== stored.jwtSecret || kept.adminKey !== stored.adminKey) {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
  }
  return { jwtSecret: given.jwtSecret ?? kept.jwtSecret, adminKey: given.adminKey ?? kept.adminKey };
}
