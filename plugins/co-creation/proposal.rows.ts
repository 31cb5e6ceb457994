import { toGlobalId } from 'zoco/plugin';
import type { ProposalEntity } from './proposal.entity';
import type { CoCreationProposal, CoCreationProposalStatus } from './proposal.type';

export function toProposal(e: ProposalEntity): CoCreationProposal {
  return {
    __typename: 'CoCreationProposal',
    id: toGlobalId('CoCreationProposal', e.id),
    uuid: e.id,
    sellerUuid: e.sellerId,
    customerUuid: e.customerId,
    productUuid: e.productId,
    title: e.title,
    description: e.description,
    imageUrl: e.imageUrl,
    status: e.status as CoCreationProposalStatus,
    votes: e.votes,
    approvedAt: e.approvedAt,
    rejectedAt: e.rejectedAt,
    rejectionReason: e.rejectionReason,
    convertedAt: e.convertedAt,
    createdAt: e.createdAt,
  };
}
