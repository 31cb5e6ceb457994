import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Payload } from '../../core/payload';
import { Order } from './order.type';

@ObjectType()
export class OrderConnection extends connectionType('Order', Order) {}

@ObjectType({ simpleResolvers: true })
export class OrderPayload extends Payload {
  @Field(() => Order, { nullable: true })
  order?: Order;
}
