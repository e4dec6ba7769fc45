import { dateTimeFormat, getTimeZone, systemDateFormats } from '@grafana/data';
import uPlot from 'uplot';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The Grafana format of a time-axis tick, from the spacing of the ticks and the range they
 * span: the same interval formats Grafana's own time series panels use (system date formats).
 */
export function tickFormat(incrementMs: number, spanMs: number): string {
  const f = systemDateFormats.interval;
  if (incrementMs < 1000) {
    return f.millisecond;
  }
  if (incrementMs < MINUTE) {
    return f.second;
  }
  if (incrementMs < DAY) {
    return spanMs > DAY ? f.hour : f.minute;
  }
  return incrementMs < 28 * DAY ? f.day : f.month;
}

/** Tick labels in the user's time zone and Grafana's formats. */
export function formatTicks(splits: number[], incrementMs: number, spanMs: number): string[] {
  const format = tickFormat(incrementMs, spanMs);
  return splits.map((v) => dateTimeFormat(v, { format }));
}

/**
 * uPlot places ticks on round times of the zone it is given: the user's Grafana time zone
 * ('browser' is the browser's own, which uPlot uses when given nothing).
 */
export function tzDateOf(): ((ts: number) => Date) | undefined {
  const zone = getTimeZone();
  if (!zone || zone === 'browser') {
    return undefined;
  }
  const iana = zone === 'utc' ? 'Etc/UTC' : zone;
  return (ts) => uPlot.tzDate(new Date(ts), iana);
}
