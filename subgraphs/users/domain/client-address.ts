/**
 * Which clients share a per-address limit. An IPv4 address is one client; an IPv6 client is
 * usually handed a whole /64, so the /64 is what a limit counts (otherwise one host could rotate
 * through 2^64 addresses). Anything unparsable is its own bucket.
 */
export function limitBucket(address: string): string {
  const text = address.toLowerCase().replace(/%.*$/, '');
  if (!text.includes(':')) return text;
  const halves = text.split('::');
  if (halves.length > 2) return text;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return text;
  const full = [...head, ...Array.from({ length: missing }, () => '0'), ...tail];
  if (!full.slice(0, 4).every((group) => /^[0-9a-f]{1,4}$/.test(group))) return text;
  return `${full.slice(0, 4).map((group) => group.padStart(4, '0')).join(':')}::/64`;
}
