import { Arg, Ctx, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../src/core/context';
import { defineModule } from '../../src/core/module';

/**
 * Statements that PostgreSQL refuses because of the value the client sent, the way a service would
 * send it unchecked: the error policy must answer BAD_USER_INPUT in its own words. Only test apps have it.
 */
const PROBES: Record<string, string> = {
  uuid: 'SELECT $1::uuid::text AS v',
  bigint: 'SELECT ($1::bigint * 1000000000)::text AS v',
  timestamptz: 'SELECT $1::timestamptz::text AS v',
  jsonb: 'SELECT $1::jsonb::text AS v',
};

async function* oneEvent() {
  yield 'event';
}

@Resolver()
class SqlProbeResolver {
  /** A subscription for the transports to refuse over HTTP. */
  @Subscription(() => String, { subscribe: () => oneEvent() })
  probeEvent(@Root() event: string): string {
    return event;
  }

  @Query(() => String, { nullable: true })
  async sqlProbe(@Ctx() ctx: Context, @Arg('kind') kind: string, @Arg('value') value: string): Promise<string | null> {
    if (kind === 'unique') {
      // A duplicate key of a real unique index: the same category slug twice in one statement.
      await ctx.db.query(`INSERT INTO category (slug, name, path) VALUES ($1, 'a', $1), ($1, 'b', $1)`, [value]);
      return null;
    }
    const [row] = await ctx.db.query(PROBES[kind]!, [value]);
    return row?.v ?? null;
  }
}

export const sqlProbeModule = defineModule({ name: 'sql-probe', entities: [], resolvers: [SqlProbeResolver] });
