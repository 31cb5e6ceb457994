import { Field, InputType, ObjectType } from 'type-graphql';
import { SafeIntResolver } from 'graphql-scalars';

import type { Locale } from './locale';

const formatters = new Map<string, Intl.NumberFormat>();

// Spanish as written in Spain ("4,23 €"); English with the symbol first ("€4.23").
const INTL_LOCALE: Record<Locale, string> = { en: 'en', es: 'es-ES' };

function formatter(currency: string, locale: Locale = 'en'): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency });
    formatters.set(key, f);
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

  /** In English ("€19.99"); the API's `formatted` field speaks the request's language (money.resolver.ts). */
  get formatted(): string {
    return this.format('en');
  }

  /** As people of `locale` write it: "19,99 €" in Spanish, "€19.99" in English. */
  format(locale: Locale): string {
    return formatter(this.currency, locale).format(this.amount / 10 ** minorDigits(this.currency));
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
