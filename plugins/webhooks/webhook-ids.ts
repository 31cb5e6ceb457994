import { idOf, toGlobalId } from 'zoco/plugin';

/** The plugin's object types aren't in the core's NodeType list; global IDs encode them the same way. */
type NodeType = Parameters<typeof toGlobalId>[0];
export const ENDPOINT = 'WebhookEndpoint' as NodeType;
export const DELIVERY = 'WebhookDelivery' as NodeType;

/** The uuid of a WebhookEndpoint global ID, or null. */
export const endpointUuid = (id: string): string | null => idOf(id, ENDPOINT);
