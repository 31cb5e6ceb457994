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

describe('first-party plugins use only the public plugin API (issue 15)', () => {
  const PLUGINS = path.join(__dirname, '..', 'plugins');
  const SPECIFIER = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/g;
  const code = filesUnder(PLUGINS).filter((f) => !f.includes(`${path.sep}test${path.sep}`));

  it('imports nothing of Zoco but zoco/plugin (no path into src/)', () => {
    const reaching = code.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(SPECIFIER)]
        .map((m) => m[1] ?? m[2]!)
        .filter((spec) => (spec.startsWith('.') ? !path.resolve(path.dirname(f), spec).startsWith(path.join(PLUGINS, path.relative(PLUGINS, f).split(path.sep)[0]!)) : spec.startsWith('zoco') && spec !== 'zoco/plugin'))
        .map((spec) => `${path.relative(PLUGINS, f)} → ${spec}`),
    );
    expect(reaching).toEqual([]);
  });

  it('runs no SQL of its own outside migrations and holds no DataSource or token issuer', () => {
    const raw = code
      .filter((f) => !f.includes(`${path.sep}migrations${path.sep}`))
      .flatMap((f) => {
        const text = readFileSync(f, 'utf8');
        return [/\.query\s*\(/, /\bctx\.(db|tokens|tx|installations|plugins|nodes|config)\b/, /getRepository\s*\(/, /createQueryBuilder\s*\(/]
          .filter((re) => re.test(text))
          .map((re) => `${path.relative(PLUGINS, f)}: ${re.source}`);
      });
    expect(raw).toEqual([]);
  });

  it('lets the core name no plugin type (node types are declared by each plugin)', () => {
    const core = ['core', 'server', 'modules'].flatMap((d) => filesUnder(path.join(SRC, d)));
    const named = core.filter((f) => /CoCreationProposal|LoyaltyBalance|WebhookEndpoint/.test(readFileSync(f, 'utf8'))).map((f) => path.relative(SRC, f));
    expect(named).toEqual([]);
  });
});
