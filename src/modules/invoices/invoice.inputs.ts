import { ArgsType, Field, ID, Int } from 'type-graphql';
import { PageArgs } from '../../core/connection';

@ArgsType()
export class SellerInvoicesArgs extends PageArgs {
  @Field(() => Int, { nullable: true, description: 'Only the invoices numbered in this year.' })
  year?: number;

  @Field(() => ID, { nullable: true, description: 'The operator names the seller; a seller key lists its own.' })
  sellerId?: string;
}
