import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { PageArgs } from '../../core/connection';
import { ComplaintReason, ComplaintResolution, ComplaintState } from './complaint.type';

const SHIPPING_DESCRIPTION =
  "Also refund what was paid for the order's shipping (after goods, when an amount is given). Only for a complaint over every unit of its order.";

@InputType()
export class ComplaintAttachmentInput {
  @Field({ description: 'An https URL, at most 2000 characters.' })
  url!: string;

  @Field({ description: 'image/jpeg, image/png, image/webp, image/heic, application/pdf or video/mp4.' })
  contentType!: string;
}

@InputType()
export class ComplaintLineInput {
  @Field(() => ID)
  orderLineId!: string;

  @Field(() => Int)
  quantity!: number;
}

@InputType()
export class ComplaintOpenInput {
  @Field(() => ID)
  orderId!: string;

  @Field(() => [ComplaintLineInput], { nullable: true, description: 'The goods complained about; omitted: the whole order.' })
  lines?: ComplaintLineInput[] | null;

  @Field(() => ComplaintReason)
  reason!: ComplaintReason;

  @Field({ description: 'At most 4000 characters.' })
  description!: string;

  @Field(() => ComplaintResolution)
  desiredResolution!: ComplaintResolution;

  @Field(() => [ComplaintAttachmentInput], { nullable: true, description: 'At most 10.' })
  attachments?: ComplaintAttachmentInput[] | null;
}

@InputType()
export class ComplaintMessagePostInput {
  @Field(() => ID)
  complaintId!: string;

  @Field({ description: 'At most 4000 characters.' })
  body!: string;

  @Field(() => [ComplaintAttachmentInput], { nullable: true, description: 'At most 10.' })
  attachments?: ComplaintAttachmentInput[] | null;
}

@InputType()
export class ComplaintRefundInput {
  @Field(() => ID)
  complaintId!: string;

  @Field(() => Int, { nullable: true, description: "Minor units; omitted: all that is left of what was paid for the complaint's lines." })
  amount?: number | null;

  @Field({ description: 'The same key again answers the first refund and moves no money.' })
  idempotencyKey!: string;

  @Field({ defaultValue: true, description: 'Resolve the complaint with this refund (false: a partial refund while talking on).' })
  resolve!: boolean;

  @Field({ defaultValue: false, description: SHIPPING_DESCRIPTION })
  includeShipping!: boolean;

  @Field({ nullable: true })
  note?: string;
}

@InputType()
export class ComplaintNoteInput {
  @Field(() => ID)
  complaintId!: string;

  @Field({ nullable: true, description: 'Why; kept in the history. At most 2000 characters.' })
  note?: string;
}

@InputType()
export class ComplaintReturnStartInput {
  @Field(() => ID)
  complaintId!: string;

  @Field({ description: 'How to send the goods back: address, label link. At most 2000 characters.' })
  instructions!: string;
}

@InputType()
export class ComplaintReturnReceiveInput {
  @Field(() => ID)
  complaintId!: string;

  @Field({ description: 'Of the refund that follows the receipt.' })
  idempotencyKey!: string;

  @Field({ defaultValue: false, description: SHIPPING_DESCRIPTION })
  includeShipping!: boolean;
}

@InputType()
export class ComplaintFilter {
  @Field(() => ComplaintState, { nullable: true })
  state?: ComplaintState | null;

  @Field(() => ID, { nullable: true, description: 'Operator only; a seller key sees its own.' })
  sellerId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'True: the seller owes an answer past its deadline; false: the others.' })
  overdue?: boolean | null;
}

@ArgsType()
export class ComplaintsArgs extends PageArgs {
  @Field(() => ComplaintFilter, { nullable: true })
  filter?: ComplaintFilter | null;
}
