import type { Adjuster, AdjustmentResult } from '../core/adjustments';
import type { TxContext } from '../core/context';
import type { AnyPlugin } from './define-plugin';
import { heldEventsSince } from '../events/outbox';
import { grantedPermissions } from './installation-cache';
import { createPluginScope } from './plugin-scope';

const NOTHING: AdjustmentResult = { adjustments: [], warnings: [] };
const MAX_LABEL = 120;

/**
 * One adjuster per plugin that declares `checkout.adjust`, run only for the sellers that installed it,
 * with the permissions each accepted; each line carries only this plugin's own options. Its adjustments
 * are labelled `plugin:<name>` whatever it says. At checkout it runs under a savepoint: a plugin that
 * throws is rolled back to it and skipped, so it never breaks the purchase.
 */
export function pluginAdjusters(plugins: readonly AnyPlugin[]): Adjuster[] {
  return plugins.flatMap((plugin): Adjuster[] => {
    const hook = plugin.checkout;
    if (!hook) return [];
    const source = `plugin:${plugin.name}`;
    return [
      {
        name: source,
        async adjust(ctx, group) {
          const installation = await ctx.installations.load(plugin.name, group.sellerId);
          if (!installation) return NOTHING;
          const inTx = group.phase === 'checkout' && ctx.tx ? (ctx as TxContext) : undefined;
          const scope = createPluginScope({
            plugin: plugin.name,
            permissions: grantedPermissions(plugin.permissions, installation),
            sellerId: group.sellerId,
            config: installation.config,
            app: ctx,
            tx: inTx,
          });
          const lines = group.lines.map((l) => ({ ...l, options: (l.options[plugin.name] as Record<string, unknown> | undefined) ?? {} }));
          if (inTx) await inTx.tx.query('SAVEPOINT plugin_adjust');
          const forgetHeldEvents = inTx && heldEventsSince(inTx);
          try {
            const result = await hook.adjust({ ...group, lines }, scope);
            if (inTx) await inTx.tx.query('RELEASE SAVEPOINT plugin_adjust');
            return {
              adjustments: result.adjustments.map((a) => ({ ...a, source, label: String(a.label).slice(0, MAX_LABEL) })),
              warnings: result.warnings ?? [],
            };
          } catch (err) {
            if (inTx) await inTx.tx.query('ROLLBACK TO SAVEPOINT plugin_adjust');
            forgetHeldEvents?.();
            scope.log.error({ err, phase: group.phase }, 'plugin checkout adjuster failed; skipped');
            return NOTHING;
          }
        },
      },
    ];
  });
}
