import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';

export enum PluginInstallationStatus {
  ACTIVE = 'ACTIVE',
  FAILING = 'FAILING',
}
registerEnumType(PluginInstallationStatus, {
  name: 'PluginInstallationStatus',
  description: 'FAILING: an event handler of the plugin failed for this seller and is being retried (or gave up).',
});

@ObjectType({ simpleResolvers: true, description: 'A permission a plugin asks for.' })
export class AvailablePluginPermission {
  @Field()
  name!: string;

  @Field()
  description!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A plugin the deployment offers to its sellers.' })
export class AvailablePlugin {
  @Field()
  name!: string;

  @Field()
  version!: string;

  @Field()
  description!: string;

  @Field(() => [String], { description: 'What the plugin asks to do beyond its own tables, for the sellers that install it (each one is accepted with pluginInstall).' })
  permissions!: string[];

  @Field(() => [AvailablePluginPermission], { description: 'permissions, with what each one lets the plugin do.' })
  permissionDescriptions!: AvailablePluginPermission[];

  @Field(() => JSONObjectResolver, { description: "JSON Schema of the plugin's per-seller configuration." })
  configSchema!: Record<string, unknown>;
}

@ObjectType({ simpleResolvers: true, description: "A seller's installation of a plugin." })
export class PluginInstallation {
  @Field()
  plugin!: string;

  @Field()
  version!: string;

  @Field(() => JSONObjectResolver)
  config!: Record<string, unknown>;

  @Field(() => PluginInstallationStatus)
  status!: PluginInstallationStatus;

  @Field(() => String, { nullable: true, description: 'The last error of one of its event handlers, for this seller.' })
  lastError!: string | null;

  @Field(() => Date, { nullable: true })
  lastErrorAt!: Date | null;

  @Field(() => Int, { description: 'Failed handler runs waiting for a retry.' })
  pendingRetries!: number;

  @Field()
  installedAt!: Date;

  @Field(() => [String], { description: 'The permissions the seller accepted when installing: what the plugin may do for it.' })
  acceptedPermissions!: string[];
}
