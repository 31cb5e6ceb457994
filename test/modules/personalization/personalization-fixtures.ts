import type { TestApp } from '../../helpers/test-app';

export const TRACK = `mutation ($input: EventsTrackInput!) {
  eventsTrack(input: $input) { accepted duplicates userErrors { field message code } }
}`;

export const VISITOR = 'mutation { visitorCreate { visitorId userErrors { code } } }';

export const TRAITS_FIELDS = `evaluatedAt
  recencyDays { value explanation }
  ordersLast365Days { value explanation }
  monetaryLast365Days { value { amount currency } explanation }
  averageOrderValue { value { amount } explanation }
  predictedValue12Months { value { amount } explanation }
  churnRisk { value explanation }
  priceSensitivity { value explanation }
  lastSeenAt { value explanation }
  channelMix { shares { channel share } explanation }
  categoryAffinities { category { id } score explanation }
  sellerAffinities { seller { id } score explanation }`;

export const VIEWER_TRAITS = `query { viewer { traits { ${TRAITS_FIELDS} } } }`;
export const NODE_TRAITS = `query ($id: ID!) { node(id: $id) { ... on Customer { traits { ${TRAITS_FIELDS} } } } }`;

/** A touchpoint input that happened `agoMs` before now. */
export function event(type: string, extra: Record<string, unknown> = {}, agoMs = 1_000) {
  return { type, channel: 'WEB', occurredAt: new Date(Date.now() - agoMs).toISOString(), ...extra };
}

export async function track(t: TestApp, events: unknown[], token?: string, visitorId?: string) {
  const data = await t.data(TRACK, { input: { events, ...(visitorId ? { visitorId } : {}) } }, token);
  return data.eventsTrack as { accepted: number; duplicates: number; userErrors: { field: string[]; message: string; code: string }[] };
}

export async function setConsent(t: TestApp, token: string, granted: boolean): Promise<void> {
  const data = await t.data(
    `mutation ($input: CustomerConsentsUpdateInput!) { customerConsentsUpdate(input: $input) { userErrors { field code } } }`,
    { input: { consents: [{ kind: 'PERSONALIZATION', granted }], source: 'test' } },
    token,
  );
  expect(data.customerConsentsUpdate.userErrors).toEqual([]);
}

export async function newVisitor(t: TestApp): Promise<string> {
  const data = await t.data(VISITOR);
  expect(data.visitorCreate.userErrors).toEqual([]);
  return data.visitorCreate.visitorId;
}

/** Rows of a table about one customer or visitor, straight from the database. */
export async function countRows(t: TestApp, sql: string, params: unknown[]): Promise<number> {
  const [row] = await t.app.dataSource.query(`SELECT count(*)::int AS n FROM (${sql}) x`, params);
  return row.n;
}
