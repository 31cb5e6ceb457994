import { MoreThan } from 'typeorm';
import type { PluginEvent, PluginScope } from 'zoco/plugin';
import type { CoCreationConfig } from './co-creation.config';
import { VoteEntity } from './vote.entity';

const PAGE = 200;

/**
 * When an approved proposal goes on sale, each customer who voted for it is proposed an offer of the new
 * product (plugin API `proposeOffer`, issue 16): the offer engine scores it and applies its consent, cap
 * and once-only rules. After commit, at least once: the key (the proposal) makes a redelivery a no-op.
 */
export async function offerToVoters(
  event: PluginEvent<{ proposalId: string; productId: string; title: string }>,
  scope: PluginScope<CoCreationConfig>,
): Promise<void> {
  const { proposalId, productId, title } = event.payload;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const votes = await scope.table(VoteEntity).find({ proposalId, customerId: MoreThan(after) }, { customerId: 'ASC' }, { take: PAGE });
    for (const vote of votes) {
      await scope.proposeOffer({
        customerId: vote.customerId,
        productId,
        key: `voted:${proposalId}`,
        reason: { en: `You voted for ${title}: it is on sale now`, es: `Votaste por ${title}: ya está a la venta` },
      });
    }
    if (votes.length < PAGE) return;
    after = votes.at(-1)!.customerId;
  }
}
