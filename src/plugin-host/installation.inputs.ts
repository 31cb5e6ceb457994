import { Field, ID, InputType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';

@InputType()
export class PluginInstallInput {
  @Field(() => ID, { nullable: true, description: 'Required for the operator; a seller key installs for itself.' })
  sellerId?: string;

  @Field()
  plugin!: string;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'Settings, as availablePlugins.configSchema describes them.' })
  config?: Record<string, unknown>;

  @Field(() => [String], {
    nullable: true,
    description:
      'pluginInstall: the permissions you accept, as availablePlugins.permissions lists them (at most 20); each one the plugin asks for must be accepted. Omitted, every permission it asks for is accepted (recorded as acceptedPermissions). Ignored by pluginConfigure.',
  })
  acceptPermissions?: string[];
}

@InputType()
export class PluginUninstallInput {
  @Field(() => ID, { nullable: true })
  sellerId?: string;

  @Field()
  plugin!: string;

  @Field({ description: "true deletes the plugin's data for this seller; false keeps it for a later reinstall." })
  purge!: boolean;
}
