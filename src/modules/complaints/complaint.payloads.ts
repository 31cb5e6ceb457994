import { Field, ObjectType } from 'type-graphql';
import { connectionType } from '../../core/connection';
import { Payload } from '../../core/payload';
import { Order } from '../orders';
import { Complaint, ComplaintMessage, ComplaintRefund } from './complaint.type';

@ObjectType()
export class ComplaintConnection extends connectionType('Complaint', Complaint) {}

@ObjectType()
export class ComplaintMessageConnection extends connectionType('ComplaintMessage', ComplaintMessage) {}

@ObjectType({ simpleResolvers: true })
export class ComplaintPayload extends Payload {
  @Field(() => Complaint, { nullable: true })
  complaint?: Complaint;
}

@ObjectType({ simpleResolvers: true })
export class ComplaintMessagePayload extends Payload {
  @Field(() => Complaint, { nullable: true })
  complaint?: Complaint;

  @Field(() => ComplaintMessage, { nullable: true })
  message?: ComplaintMessage;
}

@ObjectType({ simpleResolvers: true })
export class ComplaintRefundPayload extends Payload {
  @Field(() => Complaint, { nullable: true })
  complaint?: Complaint;

  @Field(() => ComplaintRefund, { nullable: true })
  refund?: ComplaintRefund;
}

@ObjectType({ simpleResolvers: true })
export class ComplaintReplacePayload extends Payload {
  @Field(() => Complaint, { nullable: true })
  complaint?: Complaint;

  @Field(() => Order, { nullable: true, description: 'The zero-priced order that sends the goods again.' })
  replacementOrder?: Order;
}
