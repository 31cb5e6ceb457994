import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { MoneyInput } from '../../core/money';
import { PromotionKind, PromotionScope, PromotionStacking, PromotionTrigger } from './promotion.type';
import { TRAIT_NAMES, type TraitName } from './targeting-rule';

export enum TargetingTrait {
  CHURN_RISK = 'CHURN_RISK',
  PRICE_SENSITIVITY = 'PRICE_SENSITIVITY',
  PREDICTED_VALUE = 'PREDICTED_VALUE',
  CATEGORY_AFFINITY = 'CATEGORY_AFFINITY',
  VIEWED_CATEGORY = 'VIEWED_CATEGORY',
  INACTIVE_DAYS = 'INACTIVE_DAYS',
  BOUGHT_FROM_SELLER = 'BOUGHT_FROM_SELLER',
  NEW_CUSTOMER = 'NEW_CUSTOMER',
}
registerEnumType(TargetingTrait, {
  name: 'TargetingTrait',
  description: 'A predicate over one customer; its parameters are the rule part\'s min, max, days and categoryId.',
  valuesConfig: {
    CHURN_RISK: { description: 'Churn risk (0–1) ≥ min and/or ≤ max.' },
    PRICE_SENSITIVITY: { description: 'Price sensitivity (0–1) ≥ min and/or ≤ max.' },
    PREDICTED_VALUE: { description: 'Predicted 12-month value ≥ min (minor units).' },
    CATEGORY_AFFINITY: { description: 'Affinity (0–1) with categoryId ≥ min.' },
    VIEWED_CATEGORY: { description: 'Viewed products of categoryId at least min times in the last days days.' },
    INACTIVE_DAYS: { description: 'No order and not seen for at least min days.' },
    BOUGHT_FROM_SELLER: { description: 'Has a (not cancelled) order from this seller.' },
    NEW_CUSTOMER: { description: 'Has no (not cancelled) order yet.' },
  },
});
// The enum and the rule's trait names are one list.
const _sameNames: readonly TraitName[] = Object.values(TargetingTrait) satisfies TraitName[];
void _sameNames;
void TRAIT_NAMES;

@InputType({ description: `Exactly one of all, any, not and trait. At most 4 levels deep and 20 parts.` })
export class TargetingRuleInput {
  @Field(() => [TargetingRuleInput], { nullable: true })
  all?: TargetingRuleInput[];

  @Field(() => [TargetingRuleInput], { nullable: true })
  any?: TargetingRuleInput[];

  @Field(() => TargetingRuleInput, { nullable: true })
  not?: TargetingRuleInput;

  @Field(() => TargetingTrait, { nullable: true })
  trait?: TargetingTrait;

  @Field(() => Float, { nullable: true })
  min?: number;

  @Field(() => Float, { nullable: true })
  max?: number;

  @Field(() => Int, { nullable: true })
  days?: number;

  @Field(() => ID, { nullable: true })
  categoryId?: string;
}

/** The parts of a promotion; all optional in updates. */
@InputType('PromotionFields')
class PromotionFields {
  @Field({ nullable: true, description: 'Up to 100 characters; shown to shoppers.' })
  name?: string;

  @Field(() => Int, { nullable: true, description: 'PERCENTAGE: 1 to 100.' })
  percentOff?: number;

  @Field(() => MoneyInput, { nullable: true, description: 'FIXED_AMOUNT: the amount off the items in scope.' })
  amountOff?: MoneyInput;

  @Field(() => [ID], { nullable: true, description: 'Listings, products or categories (per scope), at most 100; listings and products must be yours.' })
  scopeIds?: string[];

  @Field(() => Date, { nullable: true })
  startsAt?: Date;

  @Field(() => Date, { nullable: true })
  endsAt?: Date;

  @Field(() => MoneyInput, { nullable: true })
  budget?: MoneyInput;

  @Field(() => Int, { nullable: true })
  perCustomerLimit?: number;

  @Field(() => MoneyInput, { nullable: true })
  minSubtotal?: MoneyInput;

  @Field(() => PromotionStacking, { nullable: true })
  stacking?: PromotionStacking;

  @Field(() => Int, { nullable: true, description: '-1000 to 1000; default 0.' })
  priority?: number;

  @Field(() => TargetingRuleInput, { nullable: true, description: 'Who it is for; omit for everyone.' })
  targeting?: TargetingRuleInput;
}

@InputType()
export class PromotionCreateInput extends PromotionFields {
  @Field(() => ID, { nullable: true, description: 'The operator names the seller; a seller key acts for itself.' })
  sellerId?: string;

  @Field({ description: 'Up to 100 characters; shown to shoppers.' })
  declare name: string;

  @Field(() => PromotionKind)
  kind!: PromotionKind;

  @Field(() => PromotionScope, { defaultValue: PromotionScope.ALL })
  scope!: PromotionScope;

  @Field(() => PromotionTrigger, { defaultValue: PromotionTrigger.AUTOMATIC })
  trigger!: PromotionTrigger;

  @Field({ nullable: true, description: 'SHARED_CODE: 3 to 40 letters, digits, - or _ (case-insensitive, unique among live promotions).' })
  code?: string;
}

@InputType({ description: 'Changes the given fields; kind, scope type and trigger are fixed at creation. clearTargeting removes the rule.' })
export class PromotionUpdateInput extends PromotionFields {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  clearTargeting?: boolean;

  @Field({ nullable: true, description: 'Clears endsAt (runs without end).' })
  clearEndsAt?: boolean;
}

@InputType()
export class PromotionIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class PromotionCodesGenerateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: '1 to 1000 codes per call; a promotion holds at most 10,000.' })
  count!: number;

  @Field({ nullable: true, description: 'Up to 10 letters or digits before the random part.' })
  prefix?: string;
}

@InputType()
export class PromotionPreviewInput {
  @Field(() => TargetingRuleInput)
  targeting!: TargetingRuleInput;

  @Field(() => ID, { nullable: true, description: 'The operator names the seller (for BOUGHT_FROM_SELLER); a seller key acts for itself.' })
  sellerId?: string;
}

@InputType()
export class CartCodeInput {
  @Field(() => ID)
  cartId!: string;

  @Field({ description: 'A discount code, up to 40 characters (case-insensitive).' })
  code!: string;
}
