import type { Adjuster } from '../core/adjustments';
import type { Context, TxContext } from '../core/context';
import type { AnyPlugin } from './define-plugin';
import { grantedPermissions } from './installation-cache';
import { createPluginScope } from './plugin-scope';

const MAX_LABEL = 120;

/**
 * One adjuster per plugin that declares `checkout.adjust`: it acts on the groups of the sellers that
 * installed the plugin, with their scope (bound to the checkout's transaction in the checkout phase),
 * and sees only its own per-line options.
 */
export function pluginAdjusters(plugins: readonly AnyPlugin[]): Adjuster[] {
  return plugins.flatMap((plugin) => {
    const hook = plugin.checkout;
    if (!hook) return [];
    const source = `plugin:${plugin.name}`;
    return [
      {
        name: source,
        async adjust(ctx: Context, group) {
          const installation = await ctx.installations.load(plugin.name, group.sellerId);
          if (!installation) return { adjustments: [], warnings: [] };
          const tx = ctx.tx ? { tx: ctx.tx, emitted: (ctx as TxContext).emitted } : undefined;
          const scope = createPluginScope({
            plugin: plugin.name,
            permissions: grantedPermissions(plugin.permissions, installation),
            sellerId: group.sellerId,
            config: installation.config,
            app: ctx,
            tx,
          });
          const lines = group.lines.map((l) => ({ ...l, options: (l.options[plugin.name] as Record<string, unknown> | undefined) ?? {} }));
          const result = await hook.adjust({ ...group, lines }, scope);
          return {
            adjustments: result.adjustments.map((a) => ({ ...a, source, label: String(a.label).slice(0, MAX_LABEL) })),
            warnings: result.warnings ?? [],
          };
        },
      },
    ];
  });
}
