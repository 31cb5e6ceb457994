import { BlockList, isIP } from 'node:net';

/**
 * Which IP addresses a webhook may be sent to (issue 9: SSRF). The ranges are IANA's special-purpose
 * address registries (RFC 6890 and its updates); Node's BlockList matches them. A webhook is a request
 * our servers make on a seller's behalf, so anything that reaches our own network, the machine itself or
 * a cloud metadata service (169.254.169.254) is refused; only globally reachable unicast passes.
 */

interface Range {
  /** Why an address in it is refused, for the seller's delivery log. */
  reason: string;
  cidr: string;
  /**
   * Networks a deployment may open with `allowPrivateAddresses` (a receiver on the developer's machine or
   * the operator's own LAN). Link-local (metadata), mapped and reserved forms never open.
   */
  private?: true;
}

const IPV4: Range[] = [
  { reason: 'a "this network" address', cidr: '0.0.0.0/8' },
  { reason: 'a private address', cidr: '10.0.0.0/8', private: true },
  { reason: 'a carrier-grade NAT address', cidr: '100.64.0.0/10', private: true },
  { reason: 'a loopback address', cidr: '127.0.0.0/8', private: true },
  { reason: 'a link-local address (cloud metadata lives there)', cidr: '169.254.0.0/16' },
  { reason: 'a private address', cidr: '172.16.0.0/12', private: true },
  { reason: 'an IETF protocol address', cidr: '192.0.0.0/24' },
  { reason: 'a documentation address', cidr: '192.0.2.0/24' },
  { reason: 'a 6to4 relay address', cidr: '192.88.99.0/24' },
  { reason: 'a private address', cidr: '192.168.0.0/16', private: true },
  { reason: 'a benchmarking address', cidr: '198.18.0.0/15' },
  { reason: 'a documentation address', cidr: '198.51.100.0/24' },
  { reason: 'a documentation address', cidr: '203.0.113.0/24' },
  { reason: 'a multicast address', cidr: '224.0.0.0/4' },
  { reason: 'the broadcast address', cidr: '255.255.255.255/32' },
  { reason: 'a reserved address', cidr: '240.0.0.0/4' },
];

/** The NAT64 well-known prefix (RFC 6052): 64:ff9b::a.b.c.d reaches a.b.c.d through the translator. */
const NAT64 = '64:ff9b::';

/** `a.b.c.d/n` as the IPv6 range of its NAT64 form, `64:ff9b::xxxx:yyyy/(96 + n)`. */
function nat64(cidr: string): string {
  const [address, bits] = cidr.split('/') as [string, string];
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return `${NAT64}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}/${96 + Number(bits)}`;
}

const IPV6: Range[] = [
  { reason: 'the unspecified address', cidr: '::/128' },
  { reason: 'a loopback address', cidr: '::1/128', private: true },
  { reason: 'an IPv4-mapped address', cidr: '::ffff:0:0/96' },
  { reason: 'an IPv4-compatible address', cidr: '::/96' },
  ...IPV4.map((r) => ({ reason: `the NAT64 form of ${r.reason}`, cidr: nat64(r.cidr) })),
  { reason: 'a local-use NAT64 address', cidr: '64:ff9b:1::/48' },
  { reason: 'a discard-only address', cidr: '100::/64' },
  { reason: 'an IETF protocol address (Teredo, benchmarking …)', cidr: '2001::/23' },
  { reason: 'a documentation address', cidr: '2001:db8::/32' },
  { reason: 'a 6to4 address', cidr: '2002::/16' },
  { reason: 'a documentation address', cidr: '3fff::/20' },
  { reason: 'a unique local address', cidr: 'fc00::/7', private: true },
  { reason: 'a link-local address', cidr: 'fe80::/10' },
  { reason: 'a site-local address', cidr: 'fec0::/10' },
  { reason: 'a multicast address', cidr: 'ff00::/8' },
];

/** IPv6 outside these is not global unicast (RFC 4291 §2.4): reserved. */
const IPV6_GLOBAL = ['2000::/3', `${NAT64}/96`];

// One BlockList per range, each holding one family and checked only with it: a BlockList matches IPv4
// rules against IPv4-mapped IPv6 and back, which would make ::ffff:0:0/96 refuse every IPv4 address.
function blockList(family: 'ipv4' | 'ipv6', cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/') as [string, string];
    list.addSubnet(address, Number(bits), family);
  }
  return list;
}

const rules = {
  ipv4: IPV4.map((r) => ({ ...r, list: blockList('ipv4', [r.cidr]) })),
  ipv6: IPV6.map((r) => ({ ...r, list: blockList('ipv6', [r.cidr]) })),
};
const ipv6Global = blockList('ipv6', IPV6_GLOBAL);

export interface AddressPolicy {
  /** Open private, loopback, carrier-grade NAT and unique local networks (development, on-premises receivers). */
  allowPrivateAddresses: boolean;
}

/**
 * Why a webhook must not be sent to `address` (an IP literal), as "a loopback address (127.0.0.0/8)";
 * null when it may. The address itself is left out: for a name it would tell a seller our internal DNS.
 */
export function addressRefusal(address: string, { allowPrivateAddresses }: AddressPolicy): string | null {
  const family = isIP(address);
  if (!family) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const hit = rules[type].find((r) => r.list.check(address, type));
  if (hit) return hit.private && allowPrivateAddresses ? null : `${hit.reason} (${hit.cidr})`;
  if (type === 'ipv6' && !ipv6Global.check(address, 'ipv6')) return 'a reserved address (outside 2000::/3)';
  return null;
}
