import type { ClientInfo } from '../model/records';
import type { DumpProfile } from './trace';

const major = (v: string | undefined) => v?.split('.')[0];

function browserOf(ua: string): { browser?: string; version?: string } {
  const rules: Array<[RegExp, string]> = [
    [/Edg(?:e|A|iOS)?\/([\d.]+)/, 'Edge'],
    [/OPR\/([\d.]+)/, 'Opera'],
    [/Firefox\/([\d.]+)/, 'Firefox'],
    [/(?:Headless)?Chrome\/([\d.]+)/, 'Chrome'],
    [/Version\/([\d.]+).*Safari\//, 'Safari'],
  ];
  for (const [re, browser] of rules) {
    const m = re.exec(ua);
    if (m) {
      return { browser, version: major(m[1]) };
    }
  }
  return {};
}

function osOf(ua: string): string | undefined {
  const win = /Windows NT ([\d.]+)/.exec(ua);
  if (win) {
    const names: Record<string, string> = {
      '10.0': 'Windows 10',
      '6.3': 'Windows 8.1',
      '6.2': 'Windows 8',
      '6.1': 'Windows 7',
    };
    return names[win[1]] ?? `Windows NT ${win[1]}`;
  }
  const ios = /(?:iPhone|CPU) OS ([\d_]+)/.exec(ua);
  if (ios) {
    return `iOS ${ios[1].replace(/_/g, '.')}`;
  }
  const mac = /Mac OS X ([\d_.]+)/.exec(ua);
  if (mac) {
    return `macOS ${mac[1].replace(/_/g, '.')}`;
  }
  const android = /Android ([\d.]+)/.exec(ua);
  if (android) {
    return `Android ${android[1]}`;
  }
  if (/CrOS/.test(ua)) {
    return 'ChromeOS';
  }
  return /Linux/.test(ua) ? 'Linux' : undefined;
}

/** Browser, major version, OS and device class from what the dump recorded, for the user row. */
export function clientInfoOf(profile: DumpProfile, sdk: string): ClientInfo {
  const info: ClientInfo = { sdk };
  if (profile.userAgent) {
    const { browser, version } = browserOf(profile.userAgent);
    info.browser = browser;
    info.browserVersion = version;
    info.os = osOf(profile.userAgent);
    info.device = /Mobile|Android|iPhone/.test(profile.userAgent) ? 'mobile' : 'desktop';
  } else if (profile.brands && profile.brands.length > 0) {
    // userAgentData only: the first brand that is not a GREASE entry ("Not:A-Brand").
    const real = profile.brands.find((b) => !/not.?a.?brand/i.test(b.brand));
    info.browser = real?.brand;
    info.browserVersion = major(real?.version);
    info.os = profile.platform || undefined;
  }
  // Within the ingest API's lengths, so what the first pass validated without it stays valid.
  const out: ClientInfo = {};
  for (const key of ['sdk', 'browser', 'browserVersion', 'os', 'device'] as const) {
    const value = info[key];
    if (value) {
      // Never cut between the two halves of a surrogate pair: a lone half cannot be stored.
      out[key] = value.slice(0, key === 'browserVersion' ? 32 : 64).replace(/[\uD800-\uDBFF]$/, '');
    }
  }
  return out;
}
