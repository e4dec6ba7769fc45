/**
 * Where a stored record came from, shown beside it in the Inspector. The store keeps the
 * position in this list (a smallint), so entries are only ever appended, never reordered.
 * - `sdk`: the browser SDK or any client of `POST /api/v1/ingest` (the default);
 * - `vonage-callback`: Vonage session monitoring callbacks received by the collector;
 * - `vonage-insights`: the Vonage Video Insights API importer;
 * - `import`: rtcstats and webrtc-internals dumps;
 * - `simulator`: the simulator.
 */
export const RECORD_SOURCES = ['sdk', 'vonage-callback', 'vonage-insights', 'import', 'simulator'] as const;
export type RecordSource = (typeof RECORD_SOURCES)[number];

/** What a client of the ingest API may say it is; the other sources are the collector's own. */
export const INGEST_SOURCES: readonly RecordSource[] = ['sdk', 'simulator'];

export const sourceCode = (source: RecordSource): number => RECORD_SOURCES.indexOf(source);

/** The name of a stored code; an unknown code (a newer collector's) reads as its number. */
export const sourceName = (code: number): string => RECORD_SOURCES[code] ?? `source-${code}`;
