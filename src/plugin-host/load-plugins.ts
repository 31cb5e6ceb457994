import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AnyPlugin } from './define-plugin';

/**
 * The plugins the operator offers (ZOCO_PLUGINS): a name is a folder under plugins/ (built to
 * dist/plugins/<name>) or an npm package; either default-exports a `definePlugin(...)` object.
 */
export function loadPlugins(names: readonly string[], pluginsDir = path.join(__dirname, '..', '..', 'plugins')): AnyPlugin[] {
  return names.map((name) => {
    const local = path.join(pluginsDir, name);
    let mod: { default?: AnyPlugin };
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(existsSync(local) ? local : name);
    } catch (err) {
      throw new Error(`ZOCO_PLUGINS: cannot load plugin "${name}" (no folder plugins/${name}, no npm package): ${String(err)}`);
    }
    if (!mod.default?.name) throw new Error(`ZOCO_PLUGINS: "${name}" has no default export made with definePlugin()`);
    return mod.default;
  });
}
