import { toGlobalId } from '../../core/global-id';
import { Money } from '../../core/money';
import { ruleToData, type TargetingRule } from './targeting-rule';
import type { Promotion, PromotionKind, PromotionScope, PromotionStacking, PromotionStatus, PromotionTrigger } from './promotion.type';

/** A row of `promotion` (migrations/1764110100000-promotions.ts). */
export interface PromotionRow {
  id: string;
  sellerId: string;
  name: string;
  status: 'active' | 'paused' | 'archived';
  kind: PromotionKind;
  percentOff: number | null;
  amountOff: number | null;
  currency: string;
  scope: PromotionScope;
  scopeIds: string[];
  trigger: PromotionTrigger;
  code: string | null;
  startsAt: Date;
  endsAt: Date | null;
  budget: number | null;
  budgetUsed: number;
  perCustomerLimit: number | null;
  minSubtotal: number;
  stacking: PromotionStacking;
  priority: number;
  targeting: TargetingRule | null;
  /** When its start was announced (`promotion.started`); NULL while that is still to come (promotion-start.ts). */
  announcedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const PROMOTION_COLUMNS = `pr.id, pr.seller_id AS "sellerId", pr.name, pr.status, pr.kind, pr.percent_off AS "percentOff",
  pr.amount_off AS "amountOff", pr.currency, pr.scope, pr.scope_ids AS "scopeIds", pr.trigger, pr.code, pr.starts_at AS "startsAt",
  pr.ends_at AS "endsAt", pr.budget, pr.budget_used AS "budgetUsed", pr.per_customer_limit AS "perCustomerLimit",
  pr.min_subtotal AS "minSubtotal", pr.stacking, pr.priority, pr.targeting, pr.announced_at AS "announcedAt", pr.created_at AS "createdAt", pr.updated_at AS "updatedAt"`;

const scopeType = { ALL: null, LISTINGS: 'Listing', PRODUCTS: 'Product', CATEGORIES: 'Category' } as const;

export function toPromotion(r: PromotionRow): Promotion {
  const money = (amount: number | null) => (amount === null ? null : new Money(amount, r.currency));
  const type = scopeType[r.scope];
  return {
    __typename: 'Promotion',
    id: toGlobalId('Promotion', r.id),
    uuid: r.id,
    sellerUuid: r.sellerId,
    name: r.name,
    status: r.status.toUpperCase() as PromotionStatus,
    kind: r.kind,
    percentOff: r.percentOff,
    amountOff: money(r.amountOff),
    scope: r.scope,
    scopeIds: type ? r.scopeIds.map((id) => toGlobalId(type, id)) : [],
    trigger: r.trigger,
    code: r.code,
    startsAt: r.startsAt,
    endsAt: r.endsAt,
    budget: money(r.budget),
    budgetUsed: money(r.budgetUsed)!,
    perCustomerLimit: r.perCustomerLimit,
    minSubtotal: money(r.minSubtotal)!,
    stacking: r.stacking,
    priority: r.priority,
    targeting: r.targeting ? ruleToData(r.targeting) : null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}
