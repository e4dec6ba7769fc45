import { dateTimeFormat } from '@grafana/data';

/** "1 h 5 min", "4 min 2 s", "12 s". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

/** Grafana's full date format (an instance setting) in the user's time zone. */
export function formatTime(ms: number): string {
  return dateTimeFormat(ms);
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}
