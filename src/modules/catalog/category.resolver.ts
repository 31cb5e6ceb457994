import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../core/context';
import { payload } from '../../core/payload';
import { badInput } from '../../core/errors';
import { CategoryCreateInput, CategoryUpdateInput } from './catalog.inputs';
import { CategoryPayload } from './catalog.payloads';
import { Category } from './category.type';
import * as categories from './category.service';

@Resolver(() => Category)
export class CategoryResolver {
  @Query(() => [Category], { description: 'Root categories, or the children of parentId.' })
  categories(@Ctx() ctx: Context, @Arg('parentId', () => ID, { nullable: true }) parentId?: string) {
    return categories.listCategories(ctx, parentId);
  }

  @Query(() => Category, { nullable: true })
  category(
    @Ctx() ctx: Context,
    @Arg('id', () => ID, { nullable: true }) id?: string,
    @Arg('slug', { nullable: true }) slug?: string,
  ) {
    if (!id === !slug) throw badInput('Give exactly one of id and slug.');
    return categories.findCategory(ctx, { id, slug });
  }

  @FieldResolver(() => Category, { nullable: true })
  parent(@Ctx() ctx: Context, @Root() category: Category) {
    return category.parentUuid ? ctx.loaders.categoryById.load(category.parentUuid) : null;
  }

  @FieldResolver(() => [Category])
  children(@Ctx() ctx: Context, @Root() category: Category) {
    return ctx.loaders.categoryChildren.load(category.uuid);
  }

  @FieldResolver(() => [Category], { description: 'From the root down to this category: breadcrumbs.' })
  ancestors(@Ctx() ctx: Context, @Root() category: Category) {
    return categories.categoryAncestors(ctx, category);
  }

  @Authorized('ADMIN')
  @Mutation(() => CategoryPayload)
  categoryCreate(@Ctx() ctx: Context, @Arg('input') input: CategoryCreateInput) {
    return payload(() => categories.createCategory(ctx, input));
  }

  @Authorized('ADMIN')
  @Mutation(() => CategoryPayload)
  categoryUpdate(@Ctx() ctx: Context, @Arg('input') input: CategoryUpdateInput) {
    return payload(() => categories.updateCategory(ctx, input));
  }
}
