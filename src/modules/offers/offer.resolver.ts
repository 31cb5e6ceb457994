import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../../core/context';
import { forbidden } from '../../core/errors';
import { payload } from '../../core/payload';
import { Customer } from '../customers/customer.type';
import { Listing } from '../catalog/listing.type';
import { Product } from '../catalog/product.type';
import { OfferIdInput, OfferPageArgs, OffersSubscriptionArgs } from './offer.inputs';
import { OfferConnection, OfferPayload } from './offer.payloads';
import { Offer, OfferDelivery } from './offer.type';
import { changeOfferState, listOffers } from './offer.service';
import { subscribeToOffers } from './offer-subscribe';

@Resolver(() => Offer)
export class OfferResolver {
  @FieldResolver(() => Product, { nullable: true })
  product(@Ctx() ctx: Context, @Root() offer: Offer) {
    return offer.productUuid ? ctx.nodes.Product!(ctx, offer.productUuid) : null;
  }

  @FieldResolver(() => Listing, { nullable: true })
  listing(@Ctx() ctx: Context, @Root() offer: Offer) {
    return offer.listingUuid ? ctx.nodes.Listing!(ctx, offer.listingUuid) : null;
  }

  @Authorized('CUSTOMER')
  @Mutation(() => OfferPayload, { description: 'Marks your offer seen (idempotent).' })
  offerSeen(@Ctx() ctx: Context, @Arg('input') input: OfferIdInput) {
    return payload(() => changeOfferState(ctx, input.id, 'seen'));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => OfferPayload, { description: 'Dismisses your offer (idempotent): it stays in the inbox as DISMISSED.' })
  offerDismiss(@Ctx() ctx: Context, @Arg('input') input: OfferIdInput) {
    return payload(() => changeOfferState(ctx, input.id, 'dismiss'));
  }

  @Authorized('CUSTOMER')
  @Mutation(() => OfferPayload, { description: "Redeems your offer: its discount applies to your cart's matching lines until it expires." })
  offerRedeem(@Ctx() ctx: Context, @Arg('input') input: OfferIdInput) {
    return payload(() => changeOfferState(ctx, input.id, 'redeem'));
  }

  @Subscription(() => OfferDelivery, {
    subscribe: ({ args, context }) => subscribeToOffers(context as Context, (args as OffersSubscriptionArgs).after ?? null),
    description:
      'Your offers (customers only), in order: first those after `after` (the cursor of the last one you received), then new ones as they are made. Reconnect with your last cursor to miss nothing and get nothing twice.',
  })
  offers(@Root() delivery: OfferDelivery, @Args() _args: OffersSubscriptionArgs): OfferDelivery {
    return delivery;
  }
}

@Resolver(() => Customer)
export class CustomerOffersResolver {
  @FieldResolver(() => OfferConnection, { description: 'Your offers, newest first (only your own).' })
  offers(@Ctx() ctx: Context, @Root() customer: Customer, @Args() args: OfferPageArgs) {
    if (ctx.viewer.kind !== 'customer' || ctx.viewer.customerId !== customer.uuid) throw forbidden('Only the customer sees their offers.');
    return listOffers(ctx, customer.uuid, args);
  }
}
