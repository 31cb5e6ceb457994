import { Field, ObjectType } from 'type-graphql';
import { Payload, Product, connectionType } from 'zoco/plugin';
import { CoCreationProposal } from './proposal.type';

@ObjectType()
export class CoCreationProposalConnection extends connectionType('CoCreationProposal', CoCreationProposal) {}

@ObjectType({ simpleResolvers: true })
export class CoCreationProposalPayload extends Payload {
  @Field(() => CoCreationProposal, { nullable: true })
  proposal?: CoCreationProposal;
}

@ObjectType({ simpleResolvers: true })
export class CoCreationProposalConvertPayload extends Payload {
  @Field(() => CoCreationProposal, { nullable: true })
  proposal?: CoCreationProposal;

  @Field(() => Product, { nullable: true, description: 'The new product, with your pre-order listing.' })
  product?: Product;
}
