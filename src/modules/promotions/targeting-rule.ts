import { ErrorCode } from '../../core/errors';
import { idOf, toGlobalId } from '../../core/global-id';
import { userError, type UserError } from '../../core/user-error';

/**
 * Targeting rules (issue 10): who a promotion is for, as data. A rule is a tree of `all` / `any` / `not`
 * over predicates on one customer's traits and behaviour; it is validated into this shape (errors name
 * the path of the wrong part) and compiled into one parameterised SQL predicate, used both for "may this
 * customer have it" (cart, checkout) and for counting how many customers it reaches (promotionPreview).
 */
export type Predicate =
  | { trait: 'CHURN_RISK'; min?: number; max?: number }
  | { trait: 'PRICE_SENSITIVITY'; min?: number; max?: number }
  | { trait: 'PREDICTED_VALUE'; min: number }
  | { trait: 'CATEGORY_AFFINITY'; categoryId: string; min: number }
  | { trait: 'VIEWED_CATEGORY'; categoryId: string; min: number; days: number }
  | { trait: 'INACTIVE_DAYS'; min: number }
  | { trait: 'BOUGHT_FROM_SELLER' }
  | { trait: 'NEW_CUSTOMER' };

export type TargetingRule = { all: TargetingRule[] } | { any: TargetingRule[] } | { not: TargetingRule } | Predicate;

export type TraitName = Predicate['trait'];
export const TRAIT_NAMES: readonly TraitName[] = [
  'CHURN_RISK',
  'PRICE_SENSITIVITY',
  'PREDICTED_VALUE',
  'CATEGORY_AFFINITY',
  'VIEWED_CATEGORY',
  'INACTIVE_DAYS',
  'BOUGHT_FROM_SELLER',
  'NEW_CUSTOMER',
];

/** What a client sends: one of all / any / not / trait, with the trait's parameters. */
export interface TargetingRuleData {
  all?: TargetingRuleData[] | null;
  any?: TargetingRuleData[] | null;
  not?: TargetingRuleData | null;
  trait?: TraitName | null;
  min?: number | null;
  max?: number | null;
  days?: number | null;
  categoryId?: string | null;
}

export const MAX_RULE_DEPTH = 4;
export const MAX_RULE_NODES = 20;

type Path = (string | number)[];

class RuleValidator {
  readonly errors: UserError[] = [];
  nodes = 0;

  error(path: Path, message: string, code = ErrorCode.INVALID): void {
    if (this.errors.length < 20) this.errors.push(userError(path.map(String), message, code));
  }

  node(input: TargetingRuleData | null | undefined, path: Path, depth: number): TargetingRule | null {
    this.nodes += 1;
    if (this.nodes > MAX_RULE_NODES) {
      if (this.nodes === MAX_RULE_NODES + 1) this.error(path, `A rule has at most ${MAX_RULE_NODES} parts.`, ErrorCode.LIMIT_EXCEEDED);
      return null;
    }
    if (!input || typeof input !== 'object') {
      this.error(path, 'A rule part is required here.', ErrorCode.BLANK);
      return null;
    }
    const given = (['all', 'any', 'not', 'trait'] as const).filter((k) => input[k] != null);
    if (given.length !== 1) {
      this.error(path, 'Give exactly one of all, any, not and trait.');
      return null;
    }
    const [kind] = given;
    if (kind === 'trait') return this.predicate(input, path);
    if (depth >= MAX_RULE_DEPTH) {
      this.error([...path, kind!], `Rules nest at most ${MAX_RULE_DEPTH} levels deep.`, ErrorCode.LIMIT_EXCEEDED);
      return null;
    }
    if (kind === 'not') {
      const inner = this.node(input.not, [...path, 'not'], depth + 1);
      return inner && { not: inner };
    }
    const list = input[kind!] as TargetingRuleData[];
    if (!Array.isArray(list) || list.length === 0) {
      this.error([...path, kind!], `${kind} needs at least one rule.`, ErrorCode.BLANK);
      return null;
    }
    if (list.length > MAX_RULE_NODES) {
      this.error([...path, kind!], `A rule has at most ${MAX_RULE_NODES} parts.`, ErrorCode.LIMIT_EXCEEDED);
      return null;
    }
    const children = list.map((child, i) => this.node(child, [...path, kind!, i], depth + 1));
    if (children.some((c) => c === null)) return null;
    return kind === 'all' ? { all: children as TargetingRule[] } : { any: children as TargetingRule[] };
  }

  number(input: TargetingRuleData, path: Path, key: 'min' | 'max' | 'days', { min, max, integer = false, required = true }: { min: number; max: number; integer?: boolean; required?: boolean }): number | undefined {
    const value = input[key];
    if (value == null) {
      if (required) this.error([...path, key], `${key} is required for ${input.trait}.`, ErrorCode.BLANK);
      return undefined;
    }
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      this.error([...path, key], `${key} must be ${integer ? 'a whole number ' : ''}between ${min} and ${max}.`);
      return undefined;
    }
    return value;
  }

  category(input: TargetingRuleData, path: Path): string | undefined {
    if (input.categoryId == null) {
      this.error([...path, 'categoryId'], `categoryId is required for ${input.trait}.`, ErrorCode.BLANK);
      return undefined;
    }
    const uuid = idOf(input.categoryId, 'Category');
    if (!uuid) this.error([...path, 'categoryId'], 'categoryId is not a valid Category ID.', ErrorCode.INVALID_ID);
    return uuid ?? undefined;
  }

  /** Parameters a trait does not take are refused rather than ignored: a rule means what it says. */
  only(input: TargetingRuleData, path: Path, allowed: readonly (keyof TargetingRuleData)[]): void {
    for (const key of ['min', 'max', 'days', 'categoryId'] as const) {
      if (input[key] != null && !allowed.includes(key)) this.error([...path, key], `${input.trait} takes no ${key}.`);
    }
  }

  predicate(input: TargetingRuleData, path: Path): Predicate | null {
    const before = this.errors.length;
    const trait = input.trait!;
    let result: Predicate | null = null;
    switch (trait) {
      case 'CHURN_RISK':
      case 'PRICE_SENSITIVITY': {
        this.only(input, path, ['min', 'max']);
        const min = this.number(input, path, 'min', { min: 0, max: 1, required: false });
        const max = this.number(input, path, 'max', { min: 0, max: 1, required: false });
        if (input.min == null && input.max == null) this.error([...path, 'min'], `Give min, max or both for ${trait}.`, ErrorCode.BLANK);
        else if (min !== undefined && max !== undefined && min > max) this.error([...path, 'max'], 'max must not be below min.');
        result = { trait, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
        break;
      }
      case 'PREDICTED_VALUE': {
        this.only(input, path, ['min']);
        const min = this.number(input, path, 'min', { min: 0, max: 1e12, integer: true });
        result = { trait, min: min ?? 0 };
        break;
      }
      case 'CATEGORY_AFFINITY': {
        this.only(input, path, ['min', 'categoryId']);
        const categoryId = this.category(input, path);
        const min = this.number(input, path, 'min', { min: 0, max: 1 });
        result = { trait, categoryId: categoryId ?? '', min: min ?? 0 };
        break;
      }
      case 'VIEWED_CATEGORY': {
        this.only(input, path, ['min', 'days', 'categoryId']);
        const categoryId = this.category(input, path);
        const min = this.number(input, path, 'min', { min: 1, max: 1000, integer: true });
        const days = this.number(input, path, 'days', { min: 1, max: 365, integer: true });
        result = { trait, categoryId: categoryId ?? '', min: min ?? 1, days: days ?? 1 };
        break;
      }
      case 'INACTIVE_DAYS': {
        this.only(input, path, ['min']);
        const min = this.number(input, path, 'min', { min: 1, max: 3650, integer: true });
        result = { trait, min: min ?? 1 };
        break;
      }
      case 'BOUGHT_FROM_SELLER':
      case 'NEW_CUSTOMER':
        this.only(input, path, []);
        result = { trait };
        break;
      default:
        this.error([...path, 'trait'], `Unknown trait ${String(trait)}.`);
    }
    return this.errors.length === before ? result : null;
  }
}

/** Validates a rule given at `path` (e.g. ['input', 'targeting']): the rule, or the errors naming where it is wrong. */
export function validateRule(input: TargetingRuleData, path: Path): { rule: TargetingRule | null; errors: UserError[] } {
  const v = new RuleValidator();
  const rule = v.node(input, path, 0);
  return { rule: v.errors.length ? null : rule, errors: v.errors };
}

/** The rule as the API shows it: category ids as global IDs. */
export function ruleToData(rule: TargetingRule): TargetingRuleData {
  if ('all' in rule) return { all: rule.all.map(ruleToData) };
  if ('any' in rule) return { any: rule.any.map(ruleToData) };
  if ('not' in rule) return { not: ruleToData(rule.not) };
  return 'categoryId' in rule ? { ...rule, categoryId: toGlobalId('Category', rule.categoryId) } : { ...rule };
}

/** Collects parameters for a compiled rule: each value becomes `$n`. */
export class SqlParams {
  constructor(readonly values: unknown[] = []) {}

  add(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

/**
 * The rule as one SQL predicate over `customer_trait t` and the customer's id `customer` (`c.id` of
 * `customer c` LEFT JOIN `customer_trait t`: only customers with the personalization consent have a trait
 * row, see promotion-eligibility.ts). Behaviour predicates are set-based (`c.id IN (SELECT customer_id
 * ... GROUP BY ... HAVING ...)`) so counting over all customers is one pass of each index rather than one
 * probe per customer. Every value is a parameter.
 */
export function compileRule(rule: TargetingRule, params: SqlParams, sellerId: string, customer = 'c.id'): string {
  const c = customer;
  if ('all' in rule) return `(${rule.all.map((r) => compileRule(r, params, sellerId, c)).join(' AND ')})`;
  if ('any' in rule) return `(${rule.any.map((r) => compileRule(r, params, sellerId, c)).join(' OR ')})`;
  if ('not' in rule) return `(NOT ${compileRule(rule.not, params, sellerId, c)})`;
  const range = (column: string, p: { min?: number; max?: number }) =>
    [p.min !== undefined ? `${column} >= ${params.add(p.min, 'real')}` : null, p.max !== undefined ? `${column} <= ${params.add(p.max, 'real')}` : null]
      .filter(Boolean)
      .join(' AND ');
  switch (rule.trait) {
    case 'CHURN_RISK':
      return `(${range('t.churn_risk', rule)})`;
    case 'PRICE_SENSITIVITY':
      return `(${range('t.price_sensitivity', rule)})`;
    case 'PREDICTED_VALUE':
      return `(t.predicted_value_12m >= ${params.add(rule.min, 'bigint')})`;
    case 'CATEGORY_AFFINITY':
      return `(${c} IN (SELECT a.customer_id FROM customer_category_affinity a
                         WHERE a.category_id = ${params.add(rule.categoryId, 'uuid')} AND a.score >= ${params.add(rule.min, 'real')}))`;
    case 'VIEWED_CATEGORY':
      return `(${c} IN (SELECT e.customer_id FROM touchpoint_event e
                         WHERE e.type = 'PRODUCT_VIEWED' AND e.category_id = ${params.add(rule.categoryId, 'uuid')}
                           AND e.occurred_at >= now() - ${params.add(rule.days, 'int')} * interval '1 day' AND e.customer_id IS NOT NULL
                         GROUP BY e.customer_id HAVING count(*) >= ${params.add(rule.min, 'int')}))`;
    case 'INACTIVE_DAYS':
      return `(coalesce(greatest(t.last_order_at, t.last_seen_at), '-infinity') < now() - ${params.add(rule.min, 'int')} * interval '1 day')`;
    case 'BOUGHT_FROM_SELLER':
      return `(${c} IN (SELECT o.customer_id FROM orders o WHERE o.seller_id = ${params.add(sellerId, 'uuid')} AND o.state <> 'cancelled'))`;
    case 'NEW_CUSTOMER':
      return `(NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = ${c} AND o.state <> 'cancelled'))`;
  }
}

/** What a compiled predicate can be, in SQL's three-valued logic: true, false or null. */
type Truth = 'T' | 'F' | 'N';
const AND: Record<string, Truth> = { TT: 'T', TF: 'F', TN: 'N', FT: 'F', FF: 'F', FN: 'F', NT: 'N', NF: 'F', NN: 'N' };
const OR: Record<string, Truth> = { TT: 'T', TF: 'T', TN: 'T', FT: 'T', FF: 'F', FN: 'N', NT: 'T', NF: 'N', NN: 'N' };
const NOT: Record<Truth, Truth> = { T: 'F', F: 'T', N: 'N' };

/**
 * What the compiled rule can evaluate to for a customer without a trait row (so without affinities and
 * events: personalization keeps them only with one): a trait comparison is null, an affinity or a view
 * false, inactivity true, an order predicate either. Conservative (children as if independent).
 */
function traitless(rule: TargetingRule): Set<Truth> {
  const combine = (children: TargetingRule[], table: Record<string, Truth>) => {
    let outcomes = traitless(children[0]!);
    for (const child of children.slice(1)) {
      const next = new Set<Truth>();
      for (const a of outcomes) for (const b of traitless(child)) next.add(table[a + b]!);
      outcomes = next;
    }
    return outcomes;
  };
  if ('all' in rule) return combine(rule.all, AND);
  if ('any' in rule) return combine(rule.any, OR);
  if ('not' in rule) return new Set([...traitless(rule.not)].map((v) => NOT[v]));
  switch (rule.trait) {
    case 'CHURN_RISK':
    case 'PRICE_SENSITIVITY':
    case 'PREDICTED_VALUE':
      return new Set(['N']);
    case 'CATEGORY_AFFINITY':
    case 'VIEWED_CATEGORY':
      return new Set(['F']);
    case 'INACTIVE_DAYS':
      return new Set(['T']);
    case 'BOUGHT_FROM_SELLER':
    case 'NEW_CUSTOMER':
      return new Set(['T', 'F']);
  }
}

/** Whether only customers with a trait row can match the rule (then a count can be driven from `customer_trait`). */
export const needsTraitRow = (rule: TargetingRule): boolean => !traitless(rule).has('T');
