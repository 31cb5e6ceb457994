import type { AccountNotification, NotificationSender } from '../../../src/core/notifications';
import type { GraphQLClient } from '../../helpers/graphql-client';

export const PASSWORD = 'correct horse battery';

/** A NotificationSender that keeps what it is given, for createApp({ notificationSender }). */
export function capturingSender(): NotificationSender & {
  sent: AccountNotification[];
  /** The newest message of this kind to this address, waiting a moment for one sent after the answer. */
  last(kind: AccountNotification['kind'], to: string, after?: number): Promise<AccountNotification>;
} {
  const sent: AccountNotification[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
    },
    async last(kind, to, after = 0) {
      for (let waited = 0; waited < 2000; waited += 20) {
        const found = sent.slice(after).filter((m) => m.kind === kind && m.to === to).pop();
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error(`no ${kind} message to ${to}`);
    },
  };
}

const TOKENS = 'customerAccessToken { accessToken expiresAt refreshToken refreshTokenExpiresAt }';
export const SIGN_UP = `mutation ($input: CustomerSignUpInput!) {
  customerSignUp(input: $input) { customer { id email emailVerified } ${TOKENS} userErrors { field message code } }
}`;
export const LOGIN = `mutation ($input: CustomerLoginInput!) {
  customerLogin(input: $input) { customer { id } ${TOKENS} userErrors { field message code } }
}`;
export const RENEW = `mutation ($input: CustomerAccessTokenRenewInput!) {
  customerAccessTokenRenew(input: $input) { customer { id } ${TOKENS} userErrors { field message code } }
}`;
export const VIEWER = '{ viewer { id email emailVerified } }';

export interface Tokens {
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

let counter = 0;
export const uniqueEmail = (name = 'shopper') => `${name}${++counter}.${process.pid}@example.com`;

export async function signUp(t: GraphQLClient, email = uniqueEmail()): Promise<{ id: string; email: string; tokens: Tokens }> {
  const data = await t.data(SIGN_UP, { input: { email, password: PASSWORD, name: 'Ana Shopper' } });
  expect(data.customerSignUp.userErrors).toEqual([]);
  return { id: data.customerSignUp.customer.id, email, tokens: data.customerSignUp.customerAccessToken };
}

/** The HTTP status and error code of a request as a customer, or 'ok'. */
export async function accessWith(t: GraphQLClient, token: string): Promise<string> {
  const res = await t.request(VIEWER, {}, token);
  if (res.errors?.length) return `${res.status} ${res.errors[0]!.extensions?.code}`;
  return res.data?.viewer ? 'ok' : 'no viewer';
}

/** A GraphQL request from `address`, for an app started with `trustedProxies: ['127.0.0.1']` (as behind a proxy). */
export async function requestFrom(url: string, address: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] }) };
}
