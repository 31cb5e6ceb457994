import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Money } from '../../core/money';
import { TouchpointChannel } from './touchpoint.type';

@ObjectType({ simpleResolvers: true, description: 'A whole-number trait and why it has this value.' })
export class IntTrait {
  @Field(() => Int, { nullable: true })
  value!: number | null;

  @Field()
  explanation!: string;
}

@ObjectType({ simpleResolvers: true, description: 'An amount trait and why it has this value.' })
export class MoneyTrait {
  @Field(() => Money)
  value!: Money;

  @Field()
  explanation!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A score from 0 to 1 and why it has this value.' })
export class ScoreTrait {
  @Field(() => Float)
  value!: number;

  @Field()
  explanation!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A time trait and why it has this value.' })
export class TimeTrait {
  @Field(() => Date, { nullable: true })
  value!: Date | null;

  @Field()
  explanation!: string;
}

@ObjectType({ simpleResolvers: true })
export class ChannelShare {
  @Field(() => TouchpointChannel)
  channel!: TouchpointChannel;

  @Field(() => Float, { description: 'Share of the last 90 days’ touchpoints, 0–1.' })
  share!: number;
}

@ObjectType({ simpleResolvers: true })
export class ChannelMixTrait {
  @Field(() => [ChannelShare])
  shares!: ChannelShare[];

  @Field()
  explanation!: string;
}

@ObjectType({ description: 'Interest in a category: its share of the customer’s recent, decayed interest (0–1).' })
export class CategoryAffinity {
  categoryUuid!: string;

  @Field(() => Float)
  score!: number;

  @Field()
  explanation!: string;
}

@ObjectType({ description: 'Interest in a seller: its share of the customer’s recent, decayed interest (0–1).' })
export class SellerAffinity {
  sellerUuid!: string;

  @Field(() => Float)
  score!: number;

  @Field()
  explanation!: string;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'What the marketplace has learnt about one customer from their touchpoints (with the personalization consent), each trait with a short explanation. Only the customer and the operator see it.',
})
export class CustomerTraits {
  @Field({ description: 'The time the traits are evaluated at.' })
  evaluatedAt!: Date;

  @Field(() => IntTrait, { description: 'Days since the last order (null: none yet).' })
  recencyDays!: IntTrait;

  @Field(() => IntTrait, { description: 'Orders in the last 365 days (cancelled ones excluded).' })
  ordersLast365Days!: IntTrait;

  @Field(() => MoneyTrait, { description: 'Spent in the last 365 days (items, cancelled orders excluded).' })
  monetaryLast365Days!: MoneyTrait;

  @Field(() => MoneyTrait)
  averageOrderValue!: MoneyTrait;

  @Field(() => MoneyTrait, { description: 'Expected spend in the next 12 months.' })
  predictedValue12Months!: MoneyTrait;

  @Field(() => ScoreTrait, { description: 'Probability (0–1) that the customer no longer buys.' })
  churnRisk!: ScoreTrait;

  @Field(() => ScoreTrait, { description: '0–1: how much purchases depend on discounts.' })
  priceSensitivity!: ScoreTrait;

  @Field(() => TimeTrait)
  lastSeenAt!: TimeTrait;

  @Field(() => ChannelMixTrait)
  channelMix!: ChannelMixTrait;

  @Field(() => [CategoryAffinity], { description: 'Strongest first, at most 10.' })
  categoryAffinities!: CategoryAffinity[];

  @Field(() => [SellerAffinity], { description: 'Strongest first, at most 10.' })
  sellerAffinities!: SellerAffinity[];
}
