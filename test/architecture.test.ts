import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SRC = path.join(__dirname, '..', 'src');
const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.[^'"]+)['"]/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Relative imports of `file`, as folders of src/ they land in ("server", "modules/carts", …). */
function importedFolders(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => path.relative(SRC, path.resolve(path.dirname(file), m[1]!)));
}

describe('the import structure (ARCHITECTURE.md, "Source layout")', () => {
  it('has no arrow from core, auth, events, db, a module or the plugin host up into the transport', () => {
    const below = ['core', 'auth', 'events', 'db', 'modules', 'plugin-host', 'pubsub'].flatMap((d) => filesUnder(path.join(SRC, d)));
    const upward = below.flatMap((f) => importedFolders(f).filter((to) => to.startsWith('server')).map((to) => `${path.relative(SRC, f)} → ${to}`));
    expect(upward).toEqual([]);
  });

  it('keeps the core free of modules and plugins', () => {
    const upward = filesUnder(path.join(SRC, 'core')).flatMap((f) =>
      importedFolders(f).filter((to) => /^(modules|plugin-host|server)\b/.test(to)).map((to) => `${path.relative(SRC, f)} → ${to}`),
    );
    expect(upward).toEqual([]);
  });
});
