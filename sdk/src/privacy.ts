/**
 * An IP address cut to its network: IPv4 to /24 (`203.0.113.0/24`), IPv6 to /48
 * (`2001:db8:85a3::/48`). Anything else (an mDNS `.local` name, a hostname) is not an address
 * the SDK may pass on: undefined.
 */
export function maskIp(address: string | undefined | null): string | undefined {
  if (!address) {
    return undefined;
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(address);
  if (v4) {
    return v4.slice(1, 4).every((x) => Number(x) <= 255) ? `${v4[1]}.${v4[2]}.${v4[3]}.0/24` : undefined;
  }
  if (!/^[0-9a-f:]+$/i.test(address) || !address.includes(':') || address.split('::').length > 2) {
    return undefined;
  }
  const [head, tail] = address.toLowerCase().split('::');
  const front = head ? head.split(':') : [];
  const back = tail === undefined ? [] : tail ? tail.split(':') : [];
  const zeros = 8 - front.length - back.length;
  if (tail !== undefined && zeros < 1) {
    return undefined;
  }
  const groups = tail === undefined ? front : [...front, ...Array<string>(zeros).fill('0'), ...back];
  if (groups.length !== 8 || groups.some((g) => g.length === 0 || g.length > 4)) {
    return undefined;
  }
  return `${groups
    .slice(0, 3)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/48`;
}
