import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { ProductPayload } from './catalog.payloads';
import { ProductTranslationsSetInput } from './product-translation.inputs';
import { localizedField, setProductTranslations } from './product-translations';
import { Product } from './product.type';
import { Access, sellerOrAdmin } from '../../auth/field-access';

const LOCALE_ARG = 'Language ("es", "en"); default: the viewer’s (Customer.locale, else Accept-Language). Falls back to the product’s own content.';

@Resolver(() => Product)
export class ProductTranslationResolver {
  @FieldResolver(() => String)
  title(@Root() product: Product, @Ctx() ctx: Context, @Arg('locale', () => String, { nullable: true, description: LOCALE_ARG }) locale?: string | null) {
    return localizedField(ctx, product, locale, 'title');
  }

  @FieldResolver(() => String)
  description(@Root() product: Product, @Ctx() ctx: Context, @Arg('locale', () => String, { nullable: true, description: LOCALE_ARG }) locale?: string | null) {
    return localizedField(ctx, product, locale, 'description');
  }

  @Access(sellerOrAdmin('catalog:write'))
  @Authorized('SELLER', 'ADMIN')
  @Mutation(() => ProductPayload, { description: "Sets the product's title and description in other languages (its creator or the operator)." })
  productTranslationsSet(@Ctx() ctx: Context, @Arg('input') input: ProductTranslationsSetInput) {
    return payload(() => setProductTranslations(ctx, input));
  }
}
