import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { MoneyInput, PageArgs } from 'zoco/plugin';
import { CoCreationProposalStatus } from './proposal.type';

@InputType()
export class CoCreationProposalCreateInput {
  @Field(() => ID, { description: 'The seller the design is proposed to; it must have installed co-creation.' })
  sellerId!: string;

  @Field({ description: 'Up to 120 characters.' })
  title!: string;

  @Field({ description: 'What to make and why, up to 5,000 characters.' })
  description!: string;

  @Field({ nullable: true, description: 'An http(s) URL of a sketch or photo.' })
  imageUrl?: string;
}

@InputType()
export class CoCreationVoteInput {
  @Field(() => ID)
  proposalId!: string;
}

@InputType()
export class CoCreationProposalRejectInput {
  @Field(() => ID)
  proposalId!: string;

  @Field({ nullable: true, description: 'Shown with the proposal, up to 500 characters.' })
  reason?: string;
}

@InputType()
export class CoCreationProposalConvertInput {
  @Field(() => ID, { description: 'An APPROVED proposal of your own.' })
  proposalId!: string;

  @Field(() => MoneyInput, { description: 'The price of your listing, in the marketplace currency.' })
  price!: MoneyInput;

  @Field(() => Int, { description: 'Units you take pre-orders for: the listing’s stock.' })
  preorderStock!: number;

  @Field(() => Int, { defaultValue: 10, description: 'Working days before you ship (0–60): the time to make it.' })
  handlingDays!: number;

  @Field({ defaultValue: false, description: 'true creates the product as a DRAFT, off the storefront until you publish it.' })
  draft!: boolean;

  @Field({ nullable: true, description: "The product's title; default: the proposal's." })
  title?: string;

  @Field({ nullable: true, description: "The product's description; default: the proposal's." })
  description?: string;
}

@ArgsType()
export class CoCreationProposalsArgs extends PageArgs {
  @Field(() => CoCreationProposalStatus, {
    nullable: true,
    description: 'Default: OPEN and APPROVED. Only the seller itself lists REJECTED ones.',
  })
  status?: CoCreationProposalStatus;
}
