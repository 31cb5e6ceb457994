import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Payload } from '../../core/payload';
import { Offer } from './offer.type';

@ObjectType({ simpleResolvers: true })
export class OfferPayload extends Payload {
  @Field(() => Offer, { nullable: true })
  offer?: Offer;
}

export const OfferConnection = connectionType('Offer', Offer);
