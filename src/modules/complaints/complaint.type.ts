import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Money } from '../../core/money';
import { Node, type NodeSource } from '../../core/node';

/** One complained line as stored: units of an order line. */
export interface ComplaintLineData {
  orderLineId: string;
  quantity: number;
}

export enum ComplaintState {
  OPEN = 'open',
  AWAITING_SELLER = 'awaiting_seller',
  AWAITING_CUSTOMER = 'awaiting_customer',
  RESOLVED = 'resolved',
  REJECTED = 'rejected',
  ESCALATED = 'escalated',
}
registerEnumType(ComplaintState, {
  name: 'ComplaintState',
  valuesConfig: {
    ESCALATED: { description: 'With the operator: the seller missed its deadline, or the customer appealed a rejection.' },
  },
});

export enum ComplaintReason {
  NOT_RECEIVED = 'not_received',
  DAMAGED = 'damaged',
  NOT_AS_DESCRIBED = 'not_as_described',
  WRONG_ITEM = 'wrong_item',
  MISSING_PARTS = 'missing_parts',
  OTHER = 'other',
}
registerEnumType(ComplaintReason, { name: 'ComplaintReason' });

export enum ComplaintResolution {
  REFUND = 'refund',
  PARTIAL_REFUND = 'partial_refund',
  REPLACEMENT = 'replacement',
  RETURN_AND_REFUND = 'return_and_refund',
}
registerEnumType(ComplaintResolution, { name: 'ComplaintResolution' });

export enum ComplaintActorRole {
  CUSTOMER = 'customer',
  SELLER = 'seller',
  OPERATOR = 'operator',
  SYSTEM = 'system',
}
registerEnumType(ComplaintActorRole, { name: 'ComplaintActorRole', valuesConfig: { SYSTEM: { description: 'The deadline scheduler.' } } });

export enum ReturnState {
  REQUESTED = 'requested',
  INSTRUCTIONS_SENT = 'instructions_sent',
  RECEIVED = 'received',
  REFUNDED = 'refunded',
}
registerEnumType(ReturnState, { name: 'ReturnState' });

@ObjectType({ simpleResolvers: true, description: 'A photo or document the customer or seller linked (stored elsewhere, https only).' })
export class ComplaintAttachment {
  @Field()
  url!: string;

  @Field()
  contentType!: string;
}

@ObjectType({ simpleResolvers: true, description: 'One state change of a complaint: who made it and when.' })
export class ComplaintTransition {
  @Field(() => ComplaintState, { nullable: true, description: 'Null for the opening.' })
  from!: ComplaintState | null;

  @Field(() => ComplaintState)
  to!: ComplaintState;

  @Field(() => ComplaintActorRole)
  actorRole!: ComplaintActorRole;

  @Field(() => String, { nullable: true })
  note!: string | null;

  @Field()
  at!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ComplaintMessage {
  @Field(() => ID)
  id!: string;

  @Field(() => ComplaintActorRole)
  authorRole!: ComplaintActorRole;

  @Field()
  body!: string;

  @Field(() => [ComplaintAttachment])
  attachments!: ComplaintAttachment[];

  @Field()
  createdAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'Money given back for a complaint, booked as a credit note.' })
export class ComplaintRefund {
  @Field(() => ID)
  id!: string;

  @Field(() => Money)
  amount!: Money;

  @Field(() => ComplaintActorRole)
  actorRole!: ComplaintActorRole;

  @Field()
  createdAt!: Date;

  creditNoteUuid!: string;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: 'Goods sent back for a complaint: REQUESTED → INSTRUCTIONS_SENT → RECEIVED → REFUNDED.' })
export class ComplaintReturn extends Node implements NodeSource {
  __typename!: 'ComplaintReturn';
  uuid!: string;

  @Field(() => ReturnState)
  state!: ReturnState;

  @Field(() => String, { nullable: true, description: 'How to send the goods back (address, label link).' })
  instructions!: string | null;

  @Field()
  requestedAt!: Date;

  @Field(() => Date, { nullable: true })
  instructionsSentAt!: Date | null;

  @Field(() => Date, { nullable: true })
  receivedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  refundedAt!: Date | null;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "A customer's complaint about goods of one order: a thread shared with the seller and the operator." })
export class Complaint extends Node implements NodeSource {
  __typename!: 'Complaint';
  uuid!: string;
  orderUuid!: string;
  sellerUuid!: string;
  customerUuid!: string;
  lineData!: ComplaintLineData[];

  @Field(() => ComplaintState)
  state!: ComplaintState;

  @Field(() => ComplaintReason)
  reason!: ComplaintReason;

  @Field()
  description!: string;

  @Field(() => ComplaintResolution)
  desiredResolution!: ComplaintResolution;

  @Field(() => ComplaintResolution, { nullable: true, description: 'How it was resolved; null until RESOLVED.' })
  resolution!: ComplaintResolution | null;

  @Field(() => [ComplaintAttachment])
  attachments!: ComplaintAttachment[];

  @Field(() => Date, { nullable: true, description: 'When it escalates if the seller has not answered; null when it is not the seller’s turn.' })
  sellerDueAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "The seller's first answer or action." })
  firstResponseAt!: Date | null;

  @Field(() => Date, { nullable: true })
  escalatedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it was resolved or (last) rejected.' })
  closedAt!: Date | null;

  @Field()
  openedAt!: Date;

  @Field()
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true, description: "The complaint line: units of one of the order's lines." })
export class ComplaintLine {
  orderUuid!: string;
  orderLineUuid!: string;

  @Field(() => Int)
  quantity!: number;
}

@ObjectType({ simpleResolvers: true, description: "A seller's record in complaints, for itself and the operator (and the buy box's seller rating)." })
export class SellerComplaintMetrics {
  @Field(() => Int, { description: 'Orders placed with the seller, not cancelled, replacements not counted.' })
  orders!: number;

  @Field(() => Int)
  complaints!: number;

  @Field(() => Float, { description: 'complaints / orders; 0 without orders.' })
  complaintRate!: number;

  @Field(() => Int, { nullable: true, description: 'Median seconds from opening to the seller’s first answer; null before any.' })
  medianFirstResponseSeconds!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of complaints that escalated to the operator; null without complaints.' })
  escalatedShare!: number | null;

  @Field(() => Float, { nullable: true, description: 'Share of closed complaints resolved for the customer (refund, replacement, return); null before any closed.' })
  customerFavourShare!: number | null;
}
