import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { PageArgs } from '../../core/connection';
import { OrderState } from './order.type';

@InputType()
export class OrderFulfillInput {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'e.g. "Correos", "SEUR", "DHL".' })
  carrier!: string;

  @Field()
  trackingNumber!: string;
}

@InputType()
export class OrderIdInput {
  @Field(() => ID)
  id!: string;
}

@InputType()
export class OrderCancelInput {
  @Field(() => ID)
  id!: string;

  @Field({ nullable: true })
  reason?: string;
}

@ArgsType()
export class OrdersArgs extends PageArgs {
  @Field(() => OrderState, { nullable: true })
  state?: OrderState;

  @Field({ nullable: true, description: 'Placed at or after.' })
  placedFrom?: Date;

  @Field({ nullable: true, description: 'Placed before.' })
  placedTo?: Date;
}
