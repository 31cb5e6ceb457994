import { defineModule } from '../../core/module';
import { EventsResolver } from './events.resolver';
import { onConsentChanged, onSignedIn } from './personalization-consent';
import { personalizationPrivacy } from './personalization.privacy';
import { serverTouchpoints } from './server-touchpoints';
import { CategoryAffinityResolver, CustomerTraitsResolver, SellerAffinityResolver } from './traits.resolver';

export { recomputeTraits, type RecomputeOptions } from './traits.service';
export { ingestTouchpoints, type NewTouchpoint } from './touchpoint-ingest';

/**
 * Touchpoint events and per-customer traits (issue 10), above orders and checkout: it listens to their
 * events (order paid or cancelled, cart lines, sign-in, consent) and nothing below imports it.
 */
export default defineModule({
  name: 'personalization',
  entities: [],
  resolvers: [EventsResolver, CustomerTraitsResolver, CategoryAffinityResolver, SellerAffinityResolver],
  hooks: serverTouchpoints,
  listeners: { 'customer.consent_changed': onConsentChanged, 'customer.signed_in': onSignedIn },
  privacy: personalizationPrivacy,
});
