import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../core/context';
import { Node } from '../core/node';
import { parseGlobalId, type NodeType } from '../core/global-id';
import { badInput } from '../core/errors';
import { MAX_PAGE_SIZE } from '../core/connection';

function fetchNode(ctx: Context, globalId: string): Promise<object | null> {
  const parsed = parseGlobalId(globalId);
  if (!parsed) throw badInput(`"${globalId.slice(0, 100)}" is not a valid ID.`, 'id');
  // The type is the client's text: `__proto__` or `constructor` must not reach Object.prototype (issue 9).
  const fetcher = Object.hasOwn(ctx.nodes, parsed.type) ? ctx.nodes[parsed.type as NodeType] : undefined;
  return fetcher ? fetcher(ctx, parsed.id) : Promise.resolve(null);
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Refetch any object by its global ID.' })
  node(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    return fetchNode(ctx, id);
  }

  @Query(() => [Node], { nullable: 'items', description: `Up to ${MAX_PAGE_SIZE} objects by global ID, in order; null where not found.` })
  nodes(@Ctx() ctx: Context, @Arg('ids', () => [ID]) ids: string[]) {
    if (ids.length > MAX_PAGE_SIZE) throw badInput(`At most ${MAX_PAGE_SIZE} ids.`, 'ids');
    return Promise.all(ids.map((id) => fetchNode(ctx, id)));
  }
}
