import { config } from '@grafana/runtime';

/** I1 "recently inspected": kept per Grafana user in this browser's localStorage. */
export interface RecentSession {
  project?: string;
  sessionId: string;
  at: number;
}

const MAX_RECENT = 20;

function storageKey(): string {
  const login = config.bootData?.user?.login || 'anonymous';
  return `rtc-sessioninspector.recent.${login}`;
}

export function recentSessions(): RecentSession[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey()) ?? '[]');
    return Array.isArray(parsed)
      ? parsed.filter((x): x is RecentSession => typeof x?.sessionId === 'string' && typeof x?.at === 'number')
      : [];
  } catch {
    // A corrupt entry (edited by hand, another version) starts the list afresh.
    return [];
  }
}

/** Puts a session first, once, keeping the newest MAX_RECENT. */
export function rememberSession(sessionId: string, project: string | undefined, at = Date.now()): RecentSession[] {
  const next = [
    { sessionId, project, at },
    ...recentSessions().filter((r) => !(r.sessionId === sessionId && r.project === project)),
  ].slice(0, MAX_RECENT);
  localStorage.setItem(storageKey(), JSON.stringify(next));
  return next;
}
