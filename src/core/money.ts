import { Field, InputType, ObjectType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string): Intl.NumberFormat {
  let f = formatters.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en', { style: 'currency', currency });
    formatters.set(currency, f);
  }
  return f;
}

/** Minor units per major unit for a currency (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  return formatter(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

@ObjectType({ simpleResolvers: true, description: 'An amount in minor units (cents) of an ISO 4217 currency.' })
export class Money {
  @Field(() => SafeIntResolver, { description: 'Minor units: 1999 is 19.99 EUR.' })
  amount: number;

  @Field({ description: 'ISO 4217 code.' })
  currency: string;

  constructor(amount: number, currency: string) {
    this.amount = amount;
    this.currency = currency;
  }

  @Field({ description: 'Display string, e.g. "€19.99".' })
  get formatted(): string {
    return formatter(this.currency).format(this.amount / 10 ** minorDigits(this.currency));
  }
}

@InputType()
export class MoneyInput {
  @Field(() => SafeIntResolver, { description: 'Minor units.' })
  amount!: number;

  @Field()
  currency!: string;
}

@ObjectType({ simpleResolvers: true })
export class MoneyRange {
  @Field(() => Money)
  min!: Money;

  @Field(() => Money)
  max!: Money;
}
