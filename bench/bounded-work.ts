import 'reflect-metadata';
import { openScratchApp } from './scratch-app';

/**
 * Issue 9's bounded-work cases, timed through the real server: a 100k-character email (sign-up and a
 * cart's buyer identity), fragment DAGs of growing height, and the cost bomb. The median of 5 requests
 * each, after a warm-up request. `DATABASE_URL=postgres://… npm run build && node dist/bench/bounded-work.js [heights, default 16,20,22,24,40]`.
 */
const dag = (height: number) =>
  `query Dag { ...F0 }\n${Array.from({ length: height }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n')}\nfragment F${height} on Query { viewer { id } }`;

async function main(): Promise<void> {
  const heights = (process.argv[2] ?? '16,20,22,24,40').split(',').map(Number);
  const { app, close } = await openScratchApp(`zoco_bench_bounded_${process.pid}`, {
    logLevel: 'silent',
    env: 'test',
    jwtSecret: 'bench-jwt-secret-0123456789abcdefghijklmnop',
    adminKey: 'bench-operator-key-0123456789abcdef',
  });
  /** The median of 5 requests (the machine is shared: single requests are noisy). */
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const times: number[] = [];
    let last = { status: 0, answer: '' };
    for (let i = 0; i < 5; i++) {
      const started = process.hrtime.bigint();
      const res = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const body = JSON.stringify(await res.json());
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      last = { status: res.status, answer: body.slice(0, 140) };
    }
    return { ms: times.sort((a, b) => a - b)[2]!, ...last };
  };
  const report = (label: string, r: { ms: number; status: number; answer: string }) =>
    console.log(`${label.padEnd(36)} ${r.ms.toFixed(1).padStart(9)} ms  HTTP ${r.status}  ${r.answer}`);
  try {
    await post('{ __typename }');
    const email = `a@${'a.'.repeat(50_000)}@`;
    report('customerSignUp, 100k-char email', await post(
      'mutation ($input: CustomerSignUpInput!) { customerSignUp(input: $input) { userErrors { field code } } }',
      { input: { email, password: 'correct horse battery', name: 'Bench' } },
    ));
    const cart = (await (await fetch(app.url, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { cartCreate { cart { id } } }' }),
    })).json()) as { data: { cartCreate: { cart: { id: string } } } };
    report('cartBuyerIdentityUpdate, 100k email', await post(
      'mutation ($input: CartBuyerIdentityUpdateInput!) { cartBuyerIdentityUpdate(input: $input) { userErrors { field code } } }',
      { input: { cartId: cart.data.cartCreate.cart.id, email } },
    ));
    for (const h of heights) report(`fragment DAG, height ${h} (${dag(h).length} B)`, await post(dag(h)));
    const ids = Array.from({ length: 100 }, (_, i) => Buffer.from(`Product:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).toString('base64url'));
    // Rated 10,867 by the estimate before issue 9 (lists without `first` counted as 3 items, `nodes` too).
    report('cost bomb (nodes × lists)', await post(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { variants { listings { seller { listings(first: 100) { nodes { product { title } } } } } } } } }`,
      { ids },
    ));
  } finally {
    await close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
