import { Field, ObjectType } from 'type-graphql';
import { Payload } from '../core/payload';
import { PluginInstallation } from './installation.type';

@ObjectType({ simpleResolvers: true })
export class PluginInstallationPayload extends Payload {
  @Field(() => PluginInstallation, { nullable: true })
  installation?: PluginInstallation;
}

@ObjectType({ simpleResolvers: true })
export class PluginUninstallPayload extends Payload {
  @Field(() => String, { nullable: true })
  plugin?: string;

  @Field(() => Boolean, { nullable: true, description: "Whether the plugin's data for this seller was deleted." })
  purged?: boolean;
}
