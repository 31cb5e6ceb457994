import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../core/context';
import { payload } from '../core/payload';
import { Seller } from '../modules/sellers';
import { AvailablePlugin, PluginInstallation } from './installation.type';
import { PluginInstallationPayload, PluginUninstallPayload } from './installation.payloads';
import { PluginInstallInput, PluginUninstallInput } from './installation.inputs';
import * as installations from './installation.service';
import { Access, sellerOrAdmin } from '../auth/field-access';

@Resolver(() => Seller)
export class InstallationResolver {
  @Query(() => [AvailablePlugin], { description: 'The plugins this marketplace offers; sellers install the ones they want.' })
  availablePlugins(@Ctx() ctx: Context) {
    return installations.availablePlugins(ctx);
  }

  @FieldResolver(() => [PluginInstallation], { description: "The seller's installed plugins (the seller itself and the operator only)." })
  plugins(@Ctx() ctx: Context, @Root() seller: Seller) {
    return installations.listInstallations(ctx, seller.uuid);
  }

  @Access(sellerOrAdmin('plugins:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => PluginInstallationPayload, { description: 'Install a plugin for your seller, with its settings.' })
  pluginInstall(@Ctx() ctx: Context, @Arg('input') input: PluginInstallInput) {
    return payload(() => installations.installPlugin(ctx, input));
  }

  @Access(sellerOrAdmin('plugins:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => PluginInstallationPayload, { description: "Replace an installed plugin's settings." })
  pluginConfigure(@Ctx() ctx: Context, @Arg('input') input: PluginInstallInput) {
    return payload(() => installations.configurePlugin(ctx, input));
  }

  @Access(sellerOrAdmin('plugins:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => PluginUninstallPayload, { description: "Uninstall a plugin, keeping or purging its data for your seller." })
  pluginUninstall(@Ctx() ctx: Context, @Arg('input') input: PluginUninstallInput) {
    return payload(() => installations.uninstallPlugin(ctx, input));
  }
}
