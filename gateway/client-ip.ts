import { BlockList, isIP } from 'node:net';

/** A block of addresses, e.g. 10.0.0.0/8; a single address has the full prefix (/32, /128). */
export interface AddressRange {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `::ffff:203.0.113.9` (how a dual-stack socket reports an IPv4 peer) → `203.0.113.9`. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address.toLowerCase();
}

/** One range in CIDR notation or a bare address, or null when it is neither. */
export function parseAddressRange(text: string): AddressRange | null {
  const [address = '', prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return null;
  const bits = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : -1;
  if (prefix < 0 || prefix > bits) return null;
  return { address: normalise(address), prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** An `X-Forwarded-For` hop: an address, possibly with a port (`203.0.113.9:4711`, `[2001:db8::1]:443`). */
function parseHop(raw: string): string | null {
  let text = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  return isIP(text) === 0 ? null : normalise(text);
}

export interface ClientAddressResolver {
  /** The client's address for a request that arrived from `socketAddress` with this `X-Forwarded-For`. */
  resolve(socketAddress: string | undefined, forwardedFor: string | string[] | undefined): string;
}

/**
 * Who the client is, for rate limits and logs. The peer of the socket, unless that peer is one
 * of our `trusted` proxies: then `X-Forwarded-For` is read from the right (each proxy appends
 * the peer it saw), skipping trusted hops, and the first address no trusted proxy owns is the
 * client. Entries left of it were written by the client and are never believed. A hop that is
 * not an address ends the walk at the last trusted one.
 */
export function createClientAddressResolver(trusted: readonly AddressRange[]): ClientAddressResolver {
  const proxies = new BlockList();
  for (const range of trusted) proxies.addSubnet(range.address, range.prefix, range.family);
  const isTrusted = (address: string) => proxies.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
  return {
    resolve(socketAddress, forwardedFor) {
      let client = socketAddress ? normalise(socketAddress) : 'unknown';
      if (trusted.length === 0 || isIP(client) === 0 || !isTrusted(client)) return client;
      const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '')).split(',').filter((hop) => hop.trim());
      for (let index = hops.length - 1; index >= 0; index -= 1) {
        const hop = parseHop(hops[index] ?? '');
        if (hop === null) return client;
        client = hop;
        if (!isTrusted(hop)) return hop;
      }
      return client;
    },
  };
}
