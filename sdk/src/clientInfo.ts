import type { ClientInfo } from '../../collector/src/model/records';
import { clientInfoOf } from '../../collector/src/importers/userAgent';

/** User-Agent Client Hints (Chromium browsers); not yet in TypeScript's DOM types. */
interface UADataBrand {
  brand: string;
  version: string;
}
interface UAData {
  brands: UADataBrand[];
  mobile: boolean;
  platform: string;
  getHighEntropyValues(hints: string[]): Promise<{ platformVersion?: string; fullVersionList?: UADataBrand[] }>;
}

const uaData = (): UAData | undefined =>
  typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { userAgentData?: UAData }).userAgentData;

const NAMES: Array<[RegExp, string]> = [
  [/^Google Chrome$/, 'Chrome'],
  [/^Microsoft Edge$/, 'Edge'],
  [/^Opera$/, 'Opera'],
];

/** The brand a person would name: not a GREASE entry, and a product over the Chromium engine. */
function brandOf(brands: UADataBrand[]): { browser: string; version: string } | undefined {
  const real = brands.filter((b) => !/not.?a.?brand/i.test(b.brand));
  const pick = real.find((b) => b.brand !== 'Chromium') ?? real[0];
  if (!pick) {
    return undefined;
  }
  const named = NAMES.find(([re]) => re.test(pick.brand));
  return { browser: named ? named[1] : pick.brand, version: pick.version.split('.')[0] };
}

function osOf(platform: string, version: string | undefined): string {
  const major = Number(version?.split('.')[0]);
  if (!version || !Number.isFinite(major)) {
    return platform;
  }
  // Windows reports 13+ for Windows 11 and 1-10 for Windows 10 (Microsoft's UA-CH guidance).
  if (platform === 'Windows') {
    return major >= 13 ? 'Windows 11' : 'Windows 10';
  }
  return ['macOS', 'Android', 'iOS', 'Chrome OS'].includes(platform) ? `${platform} ${major}` : platform;
}

/** Client info from what the page knows at once: the UA string, refined by the low-entropy client hints. */
export function clientInfoNow(sdk: string): ClientInfo {
  const info = clientInfoOf({ userAgent: typeof navigator === 'undefined' ? undefined : navigator.userAgent }, sdk);
  const ua = uaData();
  if (ua) {
    const brand = brandOf(ua.brands);
    if (brand) {
      info.browser = brand.browser;
      info.browserVersion = brand.version;
    }
    info.os = ua.platform ? osOf(ua.platform, undefined) : info.os;
    info.device = ua.mobile ? 'mobile' : (info.device ?? 'desktop');
  }
  return info;
}

/** Client info with the high-entropy hints (OS version), where the browser has them. */
export async function clientInfoDetailed(sdk: string): Promise<ClientInfo> {
  const info = clientInfoNow(sdk);
  const ua = uaData();
  if (!ua) {
    return info;
  }
  try {
    const high = await ua.getHighEntropyValues(['platformVersion', 'fullVersionList']);
    info.os = osOf(ua.platform, high.platformVersion);
  } catch {
    // Hints refused: the low-entropy values stand.
  }
  return info;
}
