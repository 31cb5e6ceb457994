import { Arg, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { Node, OrderLine, fail, payload, Payload, requireCustomer, toGlobalId, idOf, ErrorCode, type PluginContext } from 'zoco/plugin';
import { GiftWrapRequest } from './gift-wrap.entity';

/** Resolvers reach the plugin through ctx.plugin only: this module imports nothing of the definition (no import circle). */
type Context = PluginContext<{ price: number }>;

@ObjectType('GiftWrapNote', { implements: Node })
export class GiftWrapNoteType extends Node {
  __typename!: 'GiftWrapNote';
  sellerUuid!: string;

  @Field()
  message!: string;
}

export function toNote(row: GiftWrapRequest): GiftWrapNoteType {
  return { __typename: 'GiftWrapNote', id: toGlobalId('GiftWrapNote', row.id), sellerUuid: row.sellerId, message: row.message };
}

@ObjectType()
class GiftWrapNotePayload extends Payload {
  @Field(() => GiftWrapNoteType, { nullable: true })
  note?: GiftWrapNoteType;
}

@Resolver(() => OrderLine)
export class GiftWrapOrderLineResolver {
  @FieldResolver(() => String, { nullable: true, description: 'gift-wrap test plugin: the message on a wrapped line.' })
  giftWrapMessage(@Ctx() ctx: Context, @Root() line: OrderLine): string | null {
    if (!ctx.plugin.installation) throw new Error('the host hands the installation of the line’s seller');
    const options = line.options['gift-wrap'] as { wrap?: boolean; message?: string } | undefined;
    return options?.wrap ? (options.message ?? '') : null;
  }
}

@Resolver()
export class GiftWrapResolver {
  @Query(() => Int, { description: 'gift-wrap test plugin: the price a seller asks (its config, through ctx.plugin).' })
  async giftWrapPrice(@Ctx() ctx: Context, @Arg('sellerId', () => ID) sellerId: string): Promise<number> {
    return (await ctx.plugin.scope(idOf(sellerId, 'Seller') ?? '')).config.price;
  }

  @Query(() => String, { description: 'gift-wrap test plugin: what reaching for the raw database gives.' })
  giftWrapRawDatabase(@Ctx() ctx: Context): string {
    return String((ctx as unknown as { db: unknown }).db);
  }

  @Mutation(() => GiftWrapNotePayload, { description: 'gift-wrap test plugin: a customer leaves a note for a seller.' })
  giftWrapNoteAdd(@Ctx() ctx: Context, @Arg('sellerId', () => ID) sellerId: string, @Arg('message') message: string) {
    return payload(async () => {
      const customerId = requireCustomer(ctx.viewer);
      if (message.length > 200) fail('message', 'At most 200 characters.', ErrorCode.TOO_LONG);
      const scope = await ctx.plugin.scope(idOf(sellerId, 'Seller') ?? '');
      return { note: toNote(await scope.table(GiftWrapRequest).insert({ customerId, message, orderLineId: null })) };
    });
  }
}
