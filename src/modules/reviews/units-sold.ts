/**
 * The public face of units sold (`Product.unitsSoldAtLeast`): the count rounded down to a step a shopper
 * reads at a glance (1, 5, 10, 25, 50, 100, 250, 500, 1,000, 2,500, ...), as marketplaces show it
 * ("+500 vendidos"). A display value, not a secret: search's BEST_SELLING order (and its cursors) follow
 * the exact count.
 */
export function unitsSoldAtLeast(units: number): number {
  if (units < 1) return 0;
  if (units < 10) return units < 5 ? 1 : 5;
  let step = 10;
  while (step * 10 <= units) step *= 10;
  if (units >= step * 5) return step * 5;
  if (units >= step * 2.5) return step * 2.5;
  return step;
}
