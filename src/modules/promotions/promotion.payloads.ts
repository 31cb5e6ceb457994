import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Payload } from '../../core/payload';
import { Promotion, PromotionReach } from './promotion.type';

@ObjectType({ simpleResolvers: true })
export class PromotionPayload extends Payload {
  @Field(() => Promotion, { nullable: true })
  promotion?: Promotion;
}

@ObjectType({ simpleResolvers: true })
export class PromotionCodesGeneratePayload extends Payload {
  @Field(() => Promotion, { nullable: true })
  promotion?: Promotion;

  @Field(() => [String], { nullable: true, description: 'The new single-use codes.' })
  codes?: string[];
}

@ObjectType({ simpleResolvers: true })
export class PromotionPreviewPayload extends Payload {
  @Field(() => PromotionReach, { nullable: true })
  reach?: PromotionReach;
}

export const PromotionConnection = connectionType('Promotion', Promotion);
