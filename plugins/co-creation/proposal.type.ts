import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from 'zoco/plugin';

export enum CoCreationProposalStatus {
  OPEN = 'open',
  APPROVED = 'approved',
  REJECTED = 'rejected',
  CONVERTED = 'converted',
}
registerEnumType(CoCreationProposalStatus, {
  name: 'CoCreationProposalStatus',
  description: 'OPEN collects votes; APPROVED reached the seller’s threshold; CONVERTED became a product; REJECTED by the seller.',
});

@ObjectType({ implements: Node, simpleResolvers: true, description: 'A design a customer proposed to a seller, for other customers to vote on.' })
export class CoCreationProposal extends Node {
  __typename!: 'CoCreationProposal';
  uuid!: string;
  sellerUuid!: string;
  customerUuid!: string;
  productUuid!: string | null;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field(() => String, { nullable: true })
  imageUrl!: string | null;

  @Field(() => CoCreationProposalStatus)
  status!: CoCreationProposalStatus;

  @Field(() => Int)
  votes!: number;

  @Field(() => Date, { nullable: true, description: 'When the votes reached the threshold.' })
  approvedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  rejectedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The seller's reason, when rejected." })
  rejectionReason!: string | null;

  @Field(() => Date, { nullable: true })
  convertedAt!: Date | null;

  @Field()
  createdAt!: Date;
}
