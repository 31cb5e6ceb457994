import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** The names one plugin name gives: `gift-wrap` → GiftWrap, giftWrap, gift_wrap_. */
export interface PluginNames {
  name: string;
  pascal: string;
  camel: string;
  prefix: string;
  timestamp: number;
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function pluginNames(name: string, timestamp = Date.now()): PluginNames {
  if (!NAME.test(name) || name.length > 40) throw new Error(`plugin name "${name}" must be kebab-case (a-z, 0-9, single hyphens), at most 40 characters`);
  const pascal = name
    .split('-')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
  return { name, pascal, camel: pascal[0]!.toLowerCase() + pascal.slice(1), prefix: `${name.replace(/-/g, '_')}_`, timestamp };
}

/**
 * The files of a working plugin package: definition, config, entity, migration, a field, a query and a
 * mutation, a per-line option with its checkout surcharge, a handler, a test.
 */
export function skeletonFiles(n: PluginNames, zocoVersion: string): Record<string, string> {
  const { name, pascal, camel, prefix, timestamp } = n;
  const table = `${prefix}note`;
  return {
    'package.json': `${JSON.stringify(
      {
        name,
        version: '0.1.0',
        private: true,
        description: `${pascal}: a Zoco seller plugin.`,
        main: 'dist/index.js',
        scripts: { build: 'swc src -d dist --strip-leading-paths', test: 'jest' },
        peerDependencies: { zoco: `^${zocoVersion}`, graphql: '^16.15.0', 'type-graphql': '^2.0.0-rc.4', typeorm: '^1.1.1', zod: '^4.0.0' },
        devDependencies: { '@swc/cli': '^0.8.1', '@swc/core': '^1.16.22', '@swc/jest': '^0.2.39', '@types/jest': '^30.0.0', jest: '^30.5.2', 'reflect-metadata': '^0.2.2', typescript: '^7.0.2' },
      },
      null,
      2,
    )}\n`,
    '.swcrc': `${JSON.stringify(
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
      null,
      2,
    )}\n`,
    'tsconfig.json': `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: ['node', 'jest'],
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          esModuleInterop: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['src', 'test'],
      },
      null,
      2,
    )}\n`,
    'jest.config.js': `/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  transform: { '^.+\\\\.(ts|js)$': ['@swc/jest'] },
  // jose (Zoco's token library) is ESM-only: jest's CommonJS runtime needs it transformed.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  setupFiles: ['reflect-metadata'],
  // Each test file starts the real app on a database of its own (DATABASE_URL: a PostgreSQL server).
  testTimeout: 60_000,
};
`,
    '.gitignore': 'node_modules/\ndist/\n',
    'README.md': `# ${name}

A Zoco seller plugin made with \`zoco plugin new ${name}\`. Sellers install it with
\`pluginInstall(input: { plugin: "${name}", config: { greeting: "…", notePrice: 150 }, acceptPermissions: ["orders:read"] })\`.

- \`Listing.${camel}Greeting\`: the installing seller's greeting (null on other sellers' listings)
- a per-line option: shoppers add \`options: { "${name}": { note: "Happy birthday" } }\` to a cart line of an
  installing seller's listing (\`cartCreate\`, \`cartLinesAdd\`, \`cartLinesUpdate\`); the host validates it with
  \`lineOptions\` and copies it to \`OrderLine.options\`
- a checkout surcharge: \`notePrice\` (minor units, VAT included) per unit of each line with a note, on
  \`CartSellerGroup.adjustments\`, \`Order.adjustments\` and the invoice (with VAT), from \`checkout.adjust\`
- \`${camel}NoteAdd(input: { text })\` and \`${camel}Notes\` (seller key): notes of the seller
- on \`order.paid\`, a note for the order (idempotent: one per order)

\`npm test\` runs test/ against a PostgreSQL server (\`DATABASE_URL\`); \`npm run build\` writes dist/.
Offer it with \`ZOCO_PLUGINS=/path/to/${name}\` (or the package name once installed next to Zoco).
`,
    'src/index.ts': `import { definePlugin } from 'zoco/plugin';
import { noteSurcharges } from './${name}.checkout';
import { ${camel}Config, ${camel}LineOptions } from './${name}.config';
import { ${pascal}Note } from './${name}.entity';
import { onOrderPaid } from './${name}.handlers';
import { ${pascal}ListingResolver, ${pascal}NoteResolver } from './${name}.resolver';
import { ${pascal}Tables${timestamp} } from './migrations/${timestamp}-${name}';

export { ${pascal}Note } from './${name}.entity';

export default definePlugin({
  name: '${name}',
  version: '0.1.0',
  compatibility: '^1.0.0',
  description: '${pascal}: greetings on listings, notes on cart lines (for a surcharge) and a note per paid order.',
  config: ${camel}Config,
  permissions: ['orders:read'],
  entities: [${pascal}Note],
  migrations: [${pascal}Tables${timestamp}],
  resolvers: [${pascal}ListingResolver, ${pascal}NoteResolver],
  lineOptions: ${camel}LineOptions,
  checkout: { adjust: noteSurcharges },
  on: { 'order.paid': onOrderPaid },
});
`,
    [`src/${name}.config.ts`]: `import { z } from 'zod';
import type { PluginContext } from 'zoco/plugin';

/** A seller's settings, validated on pluginInstall and pluginConfigure (strict: an unknown setting is an error). */
export const ${camel}Config = z.strictObject({
  greeting: z.string().min(1).max(100).default('Thank you for your order!').describe('Shown on your listings.'),
  notePrice: z.number().int().min(0).max(100_000).default(150).describe('Charged per unit of a cart line with a note, in minor units, VAT included.'),
});

/** What a shopper may set on a cart line of your listings: \`options: { "${name}": { note: "…" } }\`. */
export const ${camel}LineOptions = z.strictObject({
  note: z.string().min(1).max(100, 'note: at most 100 characters'),
});

export type ${pascal}Config = z.infer<typeof ${camel}Config>;

/** What the resolvers get: the request, narrowed, with \`ctx.plugin\` injected by the host. */
export type Context = PluginContext<${pascal}Config>;
`,
    [`src/${name}.entity.ts`]: `import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A seller's note; \`order_id\` is set for the notes the order.paid handler writes (one per order). */
@Entity('${table}')
export class ${pascal}Note {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'seller_id' })
  sellerId!: string;

  @Column('uuid', { name: 'order_id', nullable: true })
  orderId!: string | null;

  @Column('text')
  text!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
`,
    [`src/migrations/${timestamp}-${name}.ts`]: `import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Only objects named with the plugin's prefix (${prefix}): the host refuses any other DDL at boot. */
export class ${pascal}Tables${timestamp} implements MigrationInterface {
  name = '${pascal}Tables${timestamp}';

  async up(q: QueryRunner): Promise<void> {
    await q.query(\`
      CREATE TABLE ${table} (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seller_id uuid NOT NULL,
        order_id uuid,
        text text NOT NULL CHECK (length(text) <= 500),
        created_at timestamptz NOT NULL DEFAULT now()
      )\`);
    await q.query('CREATE UNIQUE INDEX ${table}_order_uq ON ${table} (seller_id, order_id)');
    await q.query('CREATE INDEX ${table}_seller_idx ON ${table} (seller_id, created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE ${table}');
  }
}
`,
    [`src/${name}.type.ts`]: `import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Payload, toGlobalId } from 'zoco/plugin';
import type { ${pascal}Note } from './${name}.entity';

@ObjectType('${pascal}Note')
export class ${pascal}NoteType {
  @Field(() => ID)
  id!: string;

  @Field()
  text!: string;

  @Field(() => ID, { nullable: true, description: 'The paid order the note is about.' })
  orderId!: string | null;
}

export function toNote(row: ${pascal}Note): ${pascal}NoteType {
  return { id: toGlobalId('${pascal}Note', row.id), text: row.text, orderId: row.orderId && toGlobalId('Order', row.orderId) };
}

@InputType()
export class ${pascal}NoteAddInput {
  @Field({ description: '1 to 500 characters.' })
  text!: string;
}

@ObjectType()
export class ${pascal}NoteAddPayload extends Payload {
  @Field(() => ${pascal}NoteType, { nullable: true })
  note?: ${pascal}NoteType;
}
`,
    [`src/${name}.resolver.ts`]: `import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver } from 'type-graphql';
import { Listing, Validator, payload, requireSeller } from 'zoco/plugin';
import type { Context } from './${name}.config';
import { ${pascal}Note } from './${name}.entity';
import { ${pascal}NoteAddInput, ${pascal}NoteAddPayload, ${pascal}NoteType, toNote } from './${name}.type';

@Resolver(() => Listing)
export class ${pascal}ListingResolver {
  /** The host calls it only for listings of sellers that installed the plugin (null elsewhere), with their config. */
  @FieldResolver(() => String, { nullable: true, description: '${name} plugin: the seller’s greeting.' })
  ${camel}Greeting(@Ctx() ctx: Context): string | null {
    return ctx.plugin.installation?.config.greeting ?? null;
  }
}

@Resolver()
export class ${pascal}NoteResolver {
  @Query(() => [${pascal}NoteType], { description: '${name} plugin: your latest 50 notes (seller key).' })
  async ${camel}Notes(@Ctx() ctx: Context): Promise<${pascal}NoteType[]> {
    const scope = await ctx.plugin.scope(requireSeller(ctx.viewer, 'orders:read'));
    return (await scope.table(${pascal}Note).find({}, { createdAt: 'DESC' }, { take: 50 })).map(toNote);
  }

  @Mutation(() => ${pascal}NoteAddPayload, { description: '${name} plugin: add a note (seller key).' })
  ${camel}NoteAdd(@Ctx() ctx: Context, @Arg('input') input: ${pascal}NoteAddInput) {
    return payload(async () => {
      const scope = await ctx.plugin.scope(requireSeller(ctx.viewer, 'orders:read'));
      const v = new Validator();
      v.text('text', input.text, { max: 500 });
      v.done(); // userErrors with field ["input", "text"]
      return { note: toNote(await scope.table(${pascal}Note).insert({ text: input.text.trim(), orderId: null })) };
    });
  }
}
`,
    [`src/${name}.checkout.ts`]: `import type { AdjustableGroup, PluginAdjustmentResult, PluginScope } from 'zoco/plugin';
import type { ${pascal}Config } from './${name}.config';

/**
 * One seller's cart (phase 'cart', read-only) or checkout (phase 'checkout', inside its transaction): a
 * surcharge per line with a note. \`line.options\` holds only this plugin's options, already validated.
 * The host marks it \`source: 'plugin:${name}'\`; the invoice takes VAT on it at \`taxClass\`.
 */
export async function noteSurcharges(group: AdjustableGroup, scope: PluginScope<${pascal}Config>): Promise<PluginAdjustmentResult> {
  const price = scope.config.notePrice;
  if (price === 0) return { adjustments: [] };
  return {
    adjustments: group.lines
      .filter((line) => typeof line.options['note'] === 'string')
      .map((line) => ({
        reference: null,
        label: 'Personal note',
        kind: 'SURCHARGE' as const,
        amount: price * line.quantity,
        lineKey: line.key,
        target: 'ITEMS' as const,
        taxClass: 'standard',
      })),
  };
}
`,
    [`src/${name}.handlers.ts`]: `import type { DomainEvent, PluginScope } from 'zoco/plugin';
import { ${pascal}Note } from './${name}.entity';
import type { ${pascal}Config } from './${name}.config';

/** After commit, at least once: the unique (seller_id, order_id) makes a second run a no-op. */
export async function onOrderPaid(event: DomainEvent<'order.paid'>, scope: PluginScope<${pascal}Config>): Promise<void> {
  const order = await scope.order(event.payload.orderId);
  if (!order) return;
  await scope.table(${pascal}Note).insertIfAbsent({ orderId: order.id, text: \`\${scope.config.greeting} (\${order.lines.length} line(s))\` });
}
`,
    [`test/${name}.test.ts`]: `import { eventually, startPluginTestApp, type PluginTestApp, type TestSeller } from 'zoco/plugin/testing';
import plugin from '../src';

let t: PluginTestApp;
let seller: TestSeller;
let other: TestSeller;
beforeAll(async () => {
  t = await startPluginTestApp({ plugins: [plugin] });
  seller = await t.seller();
  other = await t.seller();
  await t.install(seller, '${name}', { greeting: 'Wrapped with care', notePrice: 150 });
});
afterAll(() => t.stop());

const LISTING = 'query ($id: ID!) { node(id: $id) { ... on Listing { ${camel}Greeting } } }';
const NOTES = '{ ${camel}Notes { text orderId } }';
const ADD = 'mutation ($input: ${pascal}NoteAddInput!) { ${camel}NoteAdd(input: $input) { note { text } userErrors { field code } } }';
const CART_ADD = 'mutation ($input: CartCreateInput!) { cartCreate(input: $input) { cart { id } userErrors { field code } } }';
const CART = \`query ($id: ID!) { node(id: $id) { ... on Cart { lines { id options }
  sellerGroups { seller { id } subtotal { amount } total { amount } adjustments { source label kind amount { amount } lineId } } } } }\`;
const ORDER = \`query ($id: ID!) { node(id: $id) { ... on Order { subtotal { amount } shipping { amount } tax { amount } total { amount }
  adjustments { source label kind amount { amount } } lines { options }
  invoice { gross { amount } tax { amount } lines { description gross { amount } tax { amount } vatRate } } } } }\`;
const NOTE = { '${name}': { note: 'Happy birthday' } };

describe('${name}', () => {
  it('shows the greeting on the installing seller’s listings only', async () => {
    const mine = await t.listing(seller);
    const theirs = await t.listing(other);
    expect((await t.data(LISTING, { id: mine.listingId })).node.${camel}Greeting).toBe('Wrapped with care');
    expect((await t.data(LISTING, { id: theirs.listingId })).node.${camel}Greeting).toBeNull();
  });

  it('adds notes for the seller and refuses bad input', async () => {
    const added = await t.data(ADD, { input: { text: 'Use red paper' } }, seller.key);
    expect(added.${camel}NoteAdd).toEqual({ note: { text: 'Use red paper' }, userErrors: [] });
    const tooLong = await t.data(ADD, { input: { text: 'x'.repeat(501) } }, seller.key);
    expect(tooLong.${camel}NoteAdd.userErrors).toEqual([{ field: ['input', 'text'], code: 'TOO_LONG' }]);
    const refused = await t.request(ADD, { input: { text: 'hi' } }, other.key);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('writes one note per paid order', async () => {
    const { listingId } = await t.listing(seller);
    const buyer = await t.customer();
    const order = await t.order(buyer, [{ listingId, quantity: 2 }]);
    await t.dispatched('order.paid', (p) => p['orderId'] === order.uuid);
    const notes = (await t.data(NOTES, {}, seller.key)).${camel}Notes;
    expect(notes).toContainEqual({ text: 'Wrapped with care (1 line(s))', orderId: order.id });
  });

  it('takes a note on cart lines of the installing seller only, and refuses a bad one', async () => {
    const buyer = await t.customer();
    const mine = await t.listing(seller);
    const theirs = await t.listing(other);
    const create = (listingId: string, options: unknown) => t.data(CART_ADD, { input: { lines: [{ listingId, options }] } }, buyer.token);
    expect((await create(mine.listingId, NOTE)).cartCreate.userErrors).toEqual([]);
    expect((await create(theirs.listingId, NOTE)).cartCreate.userErrors).toEqual([{ field: ['input', 'lines', '0', 'options', '${name}'], code: 'INVALID' }]);
    const long = await create(mine.listingId, { '${name}': { note: 'x'.repeat(101) } });
    expect(long.cartCreate.userErrors).toEqual([{ field: ['input', 'lines', '0', 'options', '${name}', 'note'], code: 'INVALID' }]);
    const unknown = await create(mine.listingId, { '${name}': { note: 'hi', colour: 'red' } });
    expect(unknown.cartCreate.userErrors).toEqual([{ field: ['input', 'lines', '0', 'options', '${name}'], code: 'INVALID' }]);
  });

  it('charges notePrice per unit of a noted line: on the cart, the order and the invoice, with VAT', async () => {
    const buyer = await t.customer();
    const noted = await t.listing(seller, { price: 2000 });
    const plain = await t.listing(seller, { price: 1000 });
    const lines = [{ listingId: noted.listingId, quantity: 2, options: NOTE }, { listingId: plain.listingId }];
    const cart = (await t.data(CART, { id: await t.cart(buyer, lines) }, buyer.token)).node;
    const line = cart.lines.find((l: { options: object }) => Object.keys(l.options).length);
    expect(line.options).toEqual(NOTE);
    const [group] = cart.sellerGroups;
    expect(group.adjustments).toEqual([{ source: 'plugin:${name}', label: 'Personal note', kind: 'SURCHARGE', amount: { amount: 300 }, lineId: line.id }]);

    // Bought by another customer (a customer has one cart: the kit's order() would add to this one). The
    // invoice is issued at payment, after commit: wait for it.
    const payer = await t.customer();
    const { id } = await t.order(payer, lines);
    const read = async () => (await t.data(ORDER, { id }, payer.token)).node;
    let order = await read();
    await eventually(async () => {
      order = await read();
      return order.invoice !== null;
    }, 'the invoice');
    expect(order.adjustments).toEqual([{ source: 'plugin:${name}', label: 'Personal note', kind: 'SURCHARGE', amount: { amount: 300 } }]);
    expect(order.total.amount).toBe(order.subtotal.amount + order.shipping.amount + 300);
    expect(order.lines.map((l: { options: object }) => l.options)).toEqual(expect.arrayContaining([NOTE, {}]));
    // The invoice adds up to the order, and the surcharge carries 21% VAT inside.
    const { invoice } = order;
    expect(invoice.gross.amount).toBe(order.total.amount);
    expect(invoice.tax.amount).toBe(order.tax.amount);
    const vat = 300 - Math.round(300 / 1.21);
    expect(invoice.lines).toContainEqual({ description: 'Personal note', gross: { amount: 300 }, tax: { amount: vat }, vatRate: 21 });
  });
});
`,
  };
}

/** Writes the skeleton into `dir` (created; refused when it exists and is not empty). */
export async function writePluginSkeleton(dir: string, name: string, zocoVersion: string): Promise<string[]> {
  const files = skeletonFiles(pluginNames(name), zocoVersion);
  const existing = await readdir(dir).catch(() => [] as string[]);
  if (existing.length) throw new Error(`${dir} exists and is not empty`);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return Object.keys(files);
}
