/** Requests without a usable CF-Connecting-IP (only possible off Cloudflare's edge, e.g. locally) share one bucket. */
export const UNKNOWN_CLIENT = "unknown";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The eight 16-bit groups of an IPv6 address (with "::" and a trailing dotted IPv4 expanded), or null. */
function ipv6Groups(text: string): number[] | null {
  let address = text.toLowerCase();
  const dotted = /:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    if (!IPV4.test(dotted[1]!)) return null;
    const [a, b, c, d] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    address = `${address.slice(0, dotted.index)}:${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

/**
 * The network a client is limited as: an IPv4 address as it is; an IPv6 address as its prefix of `prefixBits` (the
 * /64 a subscriber or host is given, so rotating addresses inside it buys nothing). IPv4-mapped IPv6 counts as IPv4.
 * Anything that is not an address joins the shared unknown bucket rather than getting a budget of its own.
 */
export function clientNetwork(ip: string | undefined | null, prefixBits: number): string {
  const text = ip?.trim() ?? "";
  if (IPV4.test(text)) return text;
  const groups = text.includes(":") ? ipv6Groups(text) : null;
  if (!groups) return UNKNOWN_CLIENT;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  }
  const masked = groups.map((g, i) => {
    const keep = Math.max(0, Math.min(16, prefixBits - i * 16));
    return keep === 0 ? 0 : g & ((0xffff << (16 - keep)) & 0xffff);
  });
  return `${masked.map((g) => g.toString(16)).join(":")}/${prefixBits}`;
}
