import { Column, Entity, PrimaryGeneratedColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver } from 'type-graphql';
import { z } from 'zod';
import { Product, definePlugin, idOf, type DomainEvent, type PluginContext, type PluginScope } from 'zoco/plugin';

@Entity('test_badge_note')
export class TestNote {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('text')
  text!: string;
}

class TestBadgeTables1763999000000 implements MigrationInterface {
  name = 'TestBadgeTables1763999000000';
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE IF NOT EXISTS test_badge_note (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), seller_id uuid NOT NULL, text text NOT NULL)`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE test_badge_note');
  }
}

/** What the test plugin's handler saw, and how many times it should still fail. */
export const handlerLog: { events: DomainEvent[]; failuresLeft: number; scopes: PluginScope<{ badge: string }>[] } = {
  events: [],
  failuresLeft: 0,
  scopes: [],
};

@Resolver(() => Product)
class BadgeResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Test plugin: the seller-configured badge.' })
  testBadge(@Ctx() ctx: PluginContext<{ badge: string }>) {
    // The host knows the product's seller installed it (null elsewhere) and hands its config.
    return ctx.plugin.installation?.config.badge ?? null;
  }

  @Mutation(() => String, { description: 'Test plugin: leave a note for a seller.' })
  async testBadgeNote(@Ctx() ctx: PluginContext<{ badge: string }>, @Arg('sellerId', () => ID) sellerId: string, @Arg('text') text: string) {
    const scope = await ctx.plugin.scope(idOf(sellerId, 'Seller') ?? '');
    const note = await scope.table(TestNote).insert({ text });
    return note.id;
  }
}

export const testBadge = definePlugin({
  name: 'test-badge',
  version: '1.0.0',
  compatibility: '^1.0.0',
  description: 'A plugin for the plugin host tests.',
  config: z.object({ badge: z.string().min(1, 'badge must not be empty').max(20) }),
  permissions: ['orders:read'],
  entities: [TestNote],
  migrations: [TestBadgeTables1763999000000],
  resolvers: [BadgeResolver],
  on: {
    'order.paid': async (event, scope) => {
      handlerLog.scopes.push(scope);
      if (handlerLog.failuresLeft > 0) {
        handlerLog.failuresLeft--;
        throw new Error('badge service unavailable');
      }
      handlerLog.events.push(event);
    },
  },
});
