import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';
import type { TargetingRuleData } from './targeting-rule';

export enum PromotionKind {
  PERCENTAGE = 'PERCENTAGE',
  FIXED_AMOUNT = 'FIXED_AMOUNT',
  FREE_SHIPPING = 'FREE_SHIPPING',
}
registerEnumType(PromotionKind, { name: 'PromotionKind' });

export enum PromotionScope {
  ALL = 'ALL',
  LISTINGS = 'LISTINGS',
  PRODUCTS = 'PRODUCTS',
  CATEGORIES = 'CATEGORIES',
}
registerEnumType(PromotionScope, {
  name: 'PromotionScope',
  valuesConfig: { ALL: { description: "All of the seller's listings." }, CATEGORIES: { description: "Listings of products in these categories (the product's own category)." } },
});

export enum PromotionTrigger {
  AUTOMATIC = 'AUTOMATIC',
  SHARED_CODE = 'SHARED_CODE',
  UNIQUE_CODES = 'UNIQUE_CODES',
}
registerEnumType(PromotionTrigger, {
  name: 'PromotionTrigger',
  valuesConfig: {
    AUTOMATIC: { description: 'Applies by itself to everyone it targets.' },
    SHARED_CODE: { description: 'Applies when the shopper enters `code` (cartCodeApply).' },
    UNIQUE_CODES: { description: 'Single-use codes made with promotionCodesGenerate.' },
  },
});

export enum PromotionStacking {
  EXCLUSIVE = 'EXCLUSIVE',
  STACKABLE = 'STACKABLE',
}
registerEnumType(PromotionStacking, {
  name: 'PromotionStacking',
  valuesConfig: {
    EXCLUSIVE: { description: 'Applies alone: chosen over the stackable ones only when it gives the shopper more.' },
    STACKABLE: { description: 'Combines with other stackable promotions, higher priority first, each on what is left.' },
  },
});

export enum PromotionStatus {
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(PromotionStatus, { name: 'PromotionStatus' });

@ObjectType({ implements: Node, simpleResolvers: true, description: "A seller's discount on its own listings. Seen only by its seller and the operator." })
export class Promotion extends Node implements NodeSource {
  __typename!: 'Promotion';
  uuid!: string;
  sellerUuid!: string;

  @Field({ description: 'Shown to shoppers on cart, order and invoice lines.' })
  name!: string;

  @Field(() => PromotionStatus)
  status!: PromotionStatus;

  @Field(() => PromotionKind)
  kind!: PromotionKind;

  @Field(() => Int, { nullable: true, description: 'PERCENTAGE: 1 to 100.' })
  percentOff!: number | null;

  @Field(() => Money, { nullable: true, description: 'FIXED_AMOUNT: off the items in scope.' })
  amountOff!: Money | null;

  @Field(() => PromotionScope)
  scope!: PromotionScope;

  @Field(() => [ID], { description: 'The listings, products or categories of the scope; empty for ALL.' })
  scopeIds!: string[];

  @Field(() => PromotionTrigger)
  trigger!: PromotionTrigger;

  @Field(() => String, { nullable: true, description: 'SHARED_CODE: the code shoppers enter (case-insensitive).' })
  code!: string | null;

  @Field()
  startsAt!: Date;

  @Field(() => Date, { nullable: true })
  endsAt!: Date | null;

  @Field(() => Money, { nullable: true, description: 'The most it may give in total; null for no limit.' })
  budget!: Money | null;

  @Field(() => Money, { description: 'What it has given (orders cancelled since give theirs back).' })
  budgetUsed!: Money;

  @Field(() => Int, { nullable: true, description: 'Orders per customer; null for no limit.' })
  perCustomerLimit!: number | null;

  @Field(() => Money, { description: "The seller's subtotal in the cart needed for it to apply." })
  minSubtotal!: Money;

  @Field(() => PromotionStacking)
  stacking!: PromotionStacking;

  @Field(() => Int, { description: 'Stackable promotions apply highest priority first.' })
  priority!: number;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The targeting rule as given (see TargetingRuleInput); null: everyone.' })
  targeting!: TargetingRuleData | null;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'How many customers a targeting rule reaches now: a count, never who.' })
export class PromotionReach {
  @Field(() => Int, { description: `Customers (with the personalization consent) the rule matches now; counts under ${10} are reported as 0.` })
  customers!: number;

  @Field({ description: 'True when the true count was under the reporting threshold and is shown as 0.' })
  suppressed!: boolean;
}
