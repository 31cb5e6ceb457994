import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AnyPlugin } from './define-plugin';

/** A path rather than a name: absolute, or relative to the working directory (`./gift-wrap`, `../plugins/gift-wrap`). */
const isPath = (name: string) => path.isAbsolute(name) || name.startsWith('./') || name.startsWith('../');

/**
 * The plugins the operator offers (ZOCO_PLUGINS): a name is a folder under plugins/ (built to
 * dist/plugins/<name>), an npm package installed next to Zoco, or a path to a package folder
 * (`/srv/plugins/gift-wrap`, `./gift-wrap`: its package.json `main`). Each default-exports a
 * `definePlugin(...)` object and imports the plugin API as `zoco/plugin` (a peer dependency).
 */
export function loadPlugins(names: readonly string[], pluginsDir = path.join(__dirname, '..', '..', 'plugins'), cwd = process.cwd()): AnyPlugin[] {
  return names.map((name) => {
    const local = path.join(pluginsDir, name);
    const target = isPath(name) ? path.resolve(cwd, name) : existsSync(local) ? local : name;
    let mod: { default?: AnyPlugin };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(target);
    } catch (err) {
      throw new Error(`ZOCO_PLUGINS: cannot load plugin "${name}" (no folder plugins/${name}, no npm package, no package folder at that path): ${String(err)}`);
    }
    if (!mod.default?.name) throw new Error(`ZOCO_PLUGINS: "${name}" has no default export made with definePlugin()`);
    return mod.default;
  });
}
