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
