import type { ClientInfo } from '../model/records';
import type { Random } from './random';

/** Client populations the simulator draws from, weighted roughly like a real web-first fleet. */
const WEB: Array<readonly [Omit<ClientInfo, 'country' | 'city'>, number]> = [
  [{ sdk: 'js-2.27.1', browser: 'Chrome', browserVersion: '120', os: 'Windows 11', device: 'desktop' }, 30],
  [{ sdk: 'js-2.27.1', browser: 'Chrome', browserVersion: '119', os: 'macOS 14', device: 'desktop' }, 15],
  [{ sdk: 'js-2.26.4', browser: 'Firefox', browserVersion: '121', os: 'Ubuntu 22.04', device: 'desktop' }, 8],
  [{ sdk: 'js-2.27.1', browser: 'Safari', browserVersion: '17', os: 'macOS 14', device: 'desktop' }, 10],
  [{ sdk: 'js-2.25.2', browser: 'Edge', browserVersion: '120', os: 'Windows 10', device: 'desktop' }, 7],
  [{ sdk: 'js-2.27.1', browser: 'Chrome', browserVersion: '120', os: 'Android 14', device: 'mobile' }, 8],
  [{ sdk: 'ios-2.26.0', os: 'iOS 17.2', device: 'mobile' }, 12],
  [{ sdk: 'android-2.26.1', os: 'Android 13', device: 'mobile' }, 10],
];

const PLACES: Array<readonly [{ country: string; city: string }, number]> = [
  [{ country: 'US', city: 'San Francisco' }, 12],
  [{ country: 'US', city: 'New York' }, 10],
  [{ country: 'GB', city: 'London' }, 9],
  [{ country: 'DE', city: 'Berlin' }, 7],
  [{ country: 'FR', city: 'Paris' }, 6],
  [{ country: 'IN', city: 'Bangalore' }, 8],
  [{ country: 'BR', city: 'São Paulo' }, 6],
  [{ country: 'JP', city: 'Tokyo' }, 5],
  [{ country: 'AU', city: 'Sydney' }, 4],
  [{ country: 'ES', city: 'Madrid' }, 4],
];

export function webOrNativeClient(r: Random): ClientInfo {
  return { ...r.weighted(WEB), ...r.weighted(PLACES) };
}

export function sipClient(r: Random): ClientInfo {
  return { sdk: 'sip', device: 'sip', sip: true, ...r.weighted(PLACES) };
}

/** OpenTok.js error codes by action (../shared/spec/formats.md) with their messages. */
export const FAILURES: Record<'connect' | 'publish' | 'subscribe', ReadonlyArray<readonly [string, string]>> = {
  connect: [
    ['1006', 'Connect failed: unable to reach the OpenTok servers'],
    ['1008', 'Connection timeout'],
    ['1004', 'Authentication error: the token is invalid or expired'],
    ['1027', 'Connection limit exceeded'],
  ],
  publish: [
    ['1500', 'Unable to publish: the token does not have the publisher role'],
    ['1601', 'WebRTC publisher error: internal error'],
    ['OT_USER_MEDIA_ACCESS_DENIED', 'The user denied access to the camera and microphone'],
    ['1010', 'Unable to publish: the client is not connected'],
  ],
  subscribe: [
    ['1600', 'WebRTC subscriber error: internal error'],
    ['1013', 'Peer-to-peer connection failed'],
    ['OT_ICE_WORKFLOW_FAILED', 'ICE negotiation failed'],
  ],
};

export const DISCONNECT_REASONS = [
  ['clientDisconnected', 85],
  ['networkDisconnected', 10],
  ['forceDisconnected', 5],
] as const;
