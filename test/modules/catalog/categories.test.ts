import { ADMIN_KEY, startTestApp, type TestApp } from '../../helpers/test-app';
import { createCategory, createProduct, createSeller } from '../../helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const CATEGORY_CREATE = `mutation ($input: CategoryCreateInput!) {
  categoryCreate(input: $input) { category { id slug } userErrors { field code } }
}`;

describe('categories', () => {
  it('builds a tree with children, parents and breadcrumbs', async () => {
    const root = await createCategory(t, undefined, 'home');
    const kitchen = await createCategory(t, root, 'kitchen');
    const pans = await createCategory(t, kitchen, 'pans');
    const roots = await t.data('{ categories { slug children { slug children { slug } } } }');
    expect(roots.categories).toContainEqual({ slug: 'home', children: [{ slug: 'kitchen', children: [{ slug: 'pans' }] }] });
    const leaf = await t.data('query ($id: ID!) { category(id: $id) { parent { id } ancestors { slug } } }', { id: pans });
    expect(leaf.category).toEqual({ parent: { id: kitchen }, ancestors: [{ slug: 'home' }, { slug: 'kitchen' }, { slug: 'pans' }] });
    const children = await t.data('query ($id: ID!) { categories(parentId: $id) { slug } }', { id: root });
    expect(children.categories).toEqual([{ slug: 'kitchen' }]);
  });

  it('lists products of descendants under a parent category', async () => {
    const seller = await createSeller(t);
    const root = await createCategory(t);
    const child = await createCategory(t, root);
    const product = await createProduct(t, seller.key, { categoryId: child });
    const page = await t.data('query ($c: ID!) { products(first: 10, filter: { category: $c }) { nodes { id } } }', { c: root });
    expect(page.products.nodes).toEqual([{ id: product.id }]);
  });

  it('is changed only by the operator, with clear userErrors', async () => {
    const seller = await createSeller(t);
    const denied = await t.request(CATEGORY_CREATE, { input: { slug: 'x', name: 'X' } }, seller.key);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await createCategory(t, undefined, 'unique-cat');
    const taken = await t.data(CATEGORY_CREATE, { input: { slug: 'unique-cat', name: 'Again' } }, ADMIN_KEY);
    expect(taken.categoryCreate.userErrors).toEqual([{ field: ['input', 'slug'], code: 'TAKEN' }]);
    const orphan = await t.data(
      CATEGORY_CREATE,
      { input: { slug: 'orphan', name: 'Orphan', parentId: Buffer.from('Category:00000000-0000-4000-8000-000000000000').toString('base64url') } },
      ADMIN_KEY,
    );
    expect(orphan.categoryCreate.userErrors).toEqual([{ field: ['input', 'parentId'], code: 'NOT_FOUND' }]);
    const renamed = await t.data(
      'mutation ($input: CategoryUpdateInput!) { categoryUpdate(input: $input) { category { slug } userErrors { code } } }',
      { input: { id: await createCategory(t), slug: 'renamed' } },
      ADMIN_KEY,
    );
    expect(renamed.categoryUpdate.category.slug).toBe('renamed');
  });
});
