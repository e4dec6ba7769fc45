import { Limits, Thresholds, type DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { audioMosSql } from '../model/emodel';
import type { QueryContext } from './context';
import { loadSession } from './shared/sessionData';

/**
 * What a session is compared on: each series-minute's mean (from the rollups), who measured it,
 * which way is better, and which count says how many samples the minute had.
 */
interface Metric {
  id: string;
  label: string;
  unit: string;
  sql: string;
  samples: string;
  where: string;
  higherIsBetter: boolean;
}

/** A rollup's minute mean of a sample column (null: no sample of the minute had it). */
const minuteMean = (m: string) => `(x.${m}_sum / nullif(x.${m}_n, 0))`;

export const BASELINE_METRICS: Metric[] = [
  {
    id: 'videoKbps',
    label: 'video bitrate',
    unit: 'kbps',
    sql: minuteMean('bitrate'),
    samples: 'x.bitrate_n',
    where: "x.role = 'subscriber' AND x.media = 'video'",
    higherIsBetter: true,
  },
  {
    id: 'audioMos',
    label: 'audio MOS',
    unit: '',
    sql: audioMosSql(minuteMean('loss'), minuteMean('rtt'), minuteMean('jitter')),
    samples: 'x.samples',
    where: "x.role = 'subscriber' AND x.media = 'audio'",
    higherIsBetter: true,
  },
  {
    id: 'lossPct',
    label: 'packet loss',
    unit: '%',
    sql: minuteMean('loss'),
    samples: 'x.loss_n',
    where: "x.role = 'subscriber'",
    higherIsBetter: false,
  },
  {
    id: 'rttMs',
    label: 'round-trip time',
    unit: 'ms',
    sql: minuteMean('rtt'),
    samples: 'x.rtt_n',
    where: 'true',
    higherIsBetter: false,
  },
  {
    id: 'jitterMs',
    label: 'jitter',
    unit: 'ms',
    sql: minuteMean('jitter'),
    samples: 'x.jitter_n',
    where: "x.role = 'subscriber'",
    higherIsBetter: false,
  },
];

const DAY = 86_400_000;
/** A cohort needs this many samples of a metric before the sentence compares against it. */
const MIN_SAMPLES = 30;
const COHORT = `concat_ws(chr(1), coalesce(u.browser, ''), coalesce(u.browser_version, ''), coalesce(u.sdk, ''), coalesce(u.country, ''))`;

interface Cohort {
  key: string;
  browser: string;
  browserVersion: string;
  sdk: string;
  country: string;
  users: number;
}

type Stats = Record<string, number | null> & { cohort: string };

const JOIN = `JOIN users u ON u.project = x.project AND u.session_id = x.session_id AND u.client_id = x.client_id`;

/**
 * The rollups `where` selects, with their cohort and each metric's minute value worked out once
 * per row (null outside the metric's series). OFFSET 0 keeps the planner from putting the
 * expressions back into each aggregate that reads them: the audio MOS, a long expression, was
 * worked out twice per row and percentile.
 */
const metricRows = (where: string) =>
  `SELECT ${COHORT} AS cohort, x.role, x.media, ${[...new Set(BASELINE_METRICS.map((m) => m.samples))].join(', ')},
     ${BASELINE_METRICS.map((m) => `CASE WHEN ${m.where} THEN ${m.sql} END AS "${m.id}"`).join(', ')}
   FROM all_quality_minutes x ${JOIN} WHERE ${where} OFFSET 0`;

/** Per cohort, each metric's percentiles (of its non-null minute values) and its sample count. */
function aggregates(percentiles: number[]): string {
  return BASELINE_METRICS.flatMap((m) => [
    ...percentiles.map(
      (p) => `(percentile_cont(${p}) WITHIN GROUP (ORDER BY x."${m.id}"))::float8 AS "${m.id}_p${p * 100}"`
    ),
    `coalesce(sum(${m.samples}) FILTER (WHERE ${m.where}), 0)::float8 AS "${m.id}_n"`,
  ]).join(',\n');
}

export const cohortLabel = (c: Pick<Cohort, 'browser' | 'browserVersion' | 'sdk' | 'country'>) =>
  `${c.browser ? `${c.browser}${c.browserVersion ? ` ${c.browserVersion}` : ''}` : c.sdk || 'unknown'} users${c.country ? ` in ${c.country}` : ''}`;

const shown = (v: number, unit: string) =>
  `${v >= 10 ? Math.round(v) : Math.round(v * 100) / 100}${unit === '%' ? ' %' : unit ? ` ${unit}` : ''}`;

/**
 * B5: the session next to the project's usual for the same browser (and major version), SDK and
 * country. For each such cohort of the session's users: the session's median of each metric
 * beside the p50 and p95 of the cohort's other sessions over the 7 days that end with this one,
 * and a sentence for the metric that differs most for the worse ("video bitrate 40 % below your
 * usual Chrome 131 users in BR"). The percentiles are over each stream's minute means, from the
 * rollups: a 1,000-user hour sampled every 5 s is 120,000 of them against 1.4 M samples.
 */
export async function baselineQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const data = await loadSession(ctx);
  if (!data) {
    return [];
  }
  const end = data.events[data.events.length - 1].ts;
  const cohorts = (
    await ctx.store.query<Cohort & { users: number }>(
      `SELECT ${COHORT} AS key, coalesce(u.browser, '') AS browser, coalesce(u.browser_version, '') AS "browserVersion",
         coalesce(u.sdk, '') AS sdk, coalesce(u.country, '') AS country, count(*)::float8 AS users
       FROM users u WHERE u.project = $1 AND u.session_id = $2 GROUP BY 1, 2, 3, 4, 5 ORDER BY users DESC, key`,
      [data.project, data.sessionId]
    )
  ).slice(0, Limits.baselineCohorts);
  if (cohorts.length === 0) {
    return [];
  }
  const keys = cohorts.map((c) => c.key);
  const { span } = data;
  const { own, usual } = await ctx.store.tx(async (tx) => {
    // Without statistics (PGlite has no autovacuum) the planner guesses one user and reads the
    // session's rollups once per user: 1,000 users times 120,000 rollups took 70 s. A hash join
    // reads them once.
    await tx.query('SET LOCAL enable_nestloop = off');
    // A large broadcast's 54,000 cohort minutes sort in memory instead of spilling to disk.
    await tx.query(`SET LOCAL work_mem = '${Limits.qualityWorkMemMb}MB'`);
    const own = await tx.query<Stats>(
      `SELECT x.cohort, ${aggregates([0.5])}
       FROM (${metricRows(
         `x.project = $1 AND x.session_id = $2 AND x.minute >= $4::bigint AND x.minute < $5::bigint AND ${COHORT} = ANY($3::text[])`
       )}) x GROUP BY 1`,
      [data.project, data.sessionId, keys, span.from, span.to]
    );
    const usual = await tx.query<Stats>(
      `SELECT x.cohort, ${aggregates([0.5, 0.95])}
       FROM (${metricRows(
         `x.project = $1 AND x.session_id <> $2 AND x.minute >= $3::bigint AND x.minute <= $4::bigint AND ${COHORT} = ANY($5::text[])`
       )}) x GROUP BY 1`,
      [data.project, data.sessionId, end - Limits.baselineDays * DAY, end, keys]
    );
    return { own, usual };
  });
  const rows = cohorts.flatMap((c) => {
    const mine = own.find((r) => r.cohort === c.key);
    const theirs = usual.find((r) => r.cohort === c.key);
    return BASELINE_METRICS.map((m) => {
      const session = mine?.[`${m.id}_p50`] ?? null;
      const p50 = theirs?.[`${m.id}_p50`] ?? null;
      const samples = theirs?.[`${m.id}_n`] ?? 0;
      const deltaPct = session !== null && p50 !== null && p50 !== 0 ? (100 * (session - p50)) / Math.abs(p50) : null;
      const worse = deltaPct !== null && (m.higherIsBetter ? deltaPct < 0 : deltaPct > 0);
      return { c, m, session, p50, p95: theirs?.[`${m.id}_p95`] ?? null, samples, deltaPct, worse };
    });
  });
  const comparableOf = (c: Cohort) => rows.filter((r) => r.c === c && r.deltaPct !== null && r.samples >= MIN_SAMPLES);
  const sentences = cohorts.map((c) => {
    const label = cohortLabel(c);
    const comparable = comparableOf(c);
    if (comparable.length === 0) {
      return `not enough data from your usual ${label} in the last ${Limits.baselineDays} days to compare`;
    }
    const worst = comparable
      .filter((r) => r.worse && Math.abs(r.deltaPct as number) >= Thresholds.baselineDeviationPct)
      .sort((a, b) => Math.abs(b.deltaPct as number) - Math.abs(a.deltaPct as number))[0];
    if (!worst) {
      return `in line with your usual ${label} (${comparable.map((r) => `${r.m.label} ${shown(r.session as number, r.m.unit)}`).join(', ')})`;
    }
    const direction = worst.m.higherIsBetter ? 'below' : 'above';
    return `${worst.m.label} ${Math.round(Math.abs(worst.deltaPct as number))} % ${direction} your usual ${label} (${shown(worst.session as number, worst.m.unit)} against a median of ${shown(worst.p50 as number, worst.m.unit)})`;
  });
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  return [
    frame(
      [
        { name: 'cohort', kind: 'string', values: cohorts.map(cohortLabel) },
        { name: 'browser', kind: 'string', values: cohorts.map((c) => c.browser) },
        { name: 'browserVersion', kind: 'string', values: cohorts.map((c) => c.browserVersion) },
        { name: 'sdk', kind: 'string', values: cohorts.map((c) => c.sdk) },
        { name: 'country', kind: 'string', values: cohorts.map((c) => c.country) },
        { name: 'users', kind: 'number', values: cohorts.map((c) => c.users) },
        { name: 'sentence', kind: 'string', values: sentences },
        { name: 'comparable', kind: 'bool', values: cohorts.map((c) => comparableOf(c).length > 0) },
      ],
      { name: 'baselineSummary', refId: ctx.refId }
    ),
    frame(
      [
        { name: 'cohort', kind: 'string', values: col((r) => cohortLabel(r.c)) },
        { name: 'metric', kind: 'string', values: col((r) => r.m.id) },
        { name: 'label', kind: 'string', values: col((r) => r.m.label) },
        { name: 'unit', kind: 'string', values: col((r) => r.m.unit) },
        { name: 'session', kind: 'nullableNumber', values: col((r) => r.session) },
        { name: 'p50', kind: 'nullableNumber', values: col((r) => r.p50) },
        { name: 'p95', kind: 'nullableNumber', values: col((r) => r.p95) },
        { name: 'samples', kind: 'number', values: col((r) => r.samples) },
        {
          name: 'deltaPct',
          kind: 'nullableNumber',
          values: col((r) => (r.deltaPct === null ? null : Math.round(r.deltaPct * 10) / 10)),
        },
        { name: 'worse', kind: 'bool', values: col((r) => r.worse) },
      ],
      { name: 'baseline', refId: ctx.refId, meta: { preferredVisualisationType: 'table' } }
    ),
  ];
}
