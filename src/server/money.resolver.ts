import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../core/context';
import { Money } from '../core/money';

/** `Money.formatted` in the request's language (issue 13): "4,23 €" in Spanish, "€4.23" in English. */
@Resolver(() => Money)
export class MoneyResolver {
  @FieldResolver(() => String, { description: 'Display string in the viewer’s language: "€19.99" (en), "19,99 €" (es). See Customer.locale and Accept-Language.' })
  async formatted(@Root() money: Money, @Ctx() ctx: Context): Promise<string> {
    return money.format(await ctx.locale());
  }
}
