import React from 'react';
import { css } from '@emotion/css';
import type { DataFrame, GrafanaTheme2 } from '@grafana/data';
import { Badge, type BadgeColor, useStyles2 } from '@grafana/ui';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { getTableStyles } from '../../components/Table/tableStyles';
import { TableHead } from '../../components/Table/TableHead';
import { Pager, usePaged } from '../../components/Table/paging';
import { testIds } from '../../components/testIds';
import { ISSUE_LABELS, VERDICT_LABELS, type DegradedSideVerdict, type IssueKind } from '../../model';
import { frameNamed, frameRows, num, str, type Row } from '../../dataAccess/frames';
import { formatTime } from '../../components/format';
import { useQueries } from '../../dataAccess/useQueries';
import { scopedQuery, type InspectorScope } from './scope';

const label = (kind: unknown) => ISSUE_LABELS[kind as IssueKind] ?? str(kind);
const verdict = (v: unknown) => VERDICT_LABELS[v as DegradedSideVerdict] ?? str(v);
const SEVERITY: Record<string, BadgeColor> = { critical: 'red', warning: 'orange' };
const VERDICT_COLORS: Record<string, BadgeColor> = { publisher: 'purple', server: 'blue', subscriber: 'orange' };

/** B5: one sentence per cohort of the session's users against the project's usual. */
function Baseline({ frames }: { frames: DataFrame[] }) {
  const s = useStyles2(getStyles);
  const t = useStyles2(getTableStyles);
  const cohorts = frameRows(frameNamed(frames, 'baselineSummary'));
  const rows = frameRows(frameNamed(frames, 'baseline'));
  const thin = cohorts.filter((c) => c.comparable !== true);
  return (
    <div>
      <ul className={s.sentences}>
        {cohorts
          .filter((c) => c.comparable === true)
          .map((c) => (
            <li key={str(c.cohort)} data-testid={testIds.inspector.baselineSentence}>
              {`${str(c.sentence)[0].toUpperCase()}${str(c.sentence).slice(1)}.`}
            </li>
          ))}
      </ul>
      {thin.length > 0 && (
        <p className={s.muted}>
          Not enough data in the last 7 days to compare {thin.map((c) => str(c.cohort)).join(', ')}.
        </p>
      )}
      <details>
        <summary>Session beside the project&apos;s p50 and p95 of the last 7 days</summary>
        <table className={t.table}>
          <TableHead columns={['Cohort', 'Metric', 'This session', 'p50', 'p95', 'Samples']} />
          <tbody>
            {rows.map((r, i) => {
              const unit = str(r.unit) ? ` ${str(r.unit)}` : '';
              const value = (v: unknown) => (v === null || v === undefined ? '–' : `${round(num(v))}${unit}`);
              return (
                <tr key={i}>
                  <td>{str(r.cohort)}</td>
                  <td>{str(r.label)}</td>
                  <td>
                    {value(r.session)}
                    {r.worse === true &&
                      num(r.deltaPct) !== 0 &&
                      ` (${num(r.deltaPct) > 0 ? '+' : ''}${num(r.deltaPct)} %)`}
                  </td>
                  <td>{value(r.p50)}</td>
                  <td>{value(r.p95)}</td>
                  <td>{num(r.samples)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </details>
    </div>
  );
}

const round = (v: number) => (Math.abs(v) >= 10 ? Math.round(v) : Math.round(v * 100) / 100);

function when(r: Row): string {
  const start = num(r.start);
  const end = num(r.end);
  return end > start ? `${formatTime(start)} → ${formatTime(end).slice(11)}` : formatTime(start);
}

/** B2: counts per kind, then every issue with its time, who and why. */
function Issues({ frames }: { frames: DataFrame[] }) {
  const s = useStyles2(getStyles);
  const t = useStyles2(getTableStyles);
  const issues = frameRows(frameNamed(frames, 'issues'));
  const kinds = [...new Set(issues.map((i) => str(i.kind)))];
  const paged = usePaged(issues);
  return (
    <div data-testid={testIds.inspector.issues}>
      <div className={s.chips}>
        {kinds.map((k) => (
          <Badge
            key={k}
            color={issues.some((i) => i.kind === k && i.severity === 'critical') ? 'red' : 'orange'}
            text={`${label(k)}: ${issues.filter((i) => i.kind === k).length}`}
          />
        ))}
      </div>
      <table className={t.table}>
        <caption>
          {issues.length} issue{issues.length === 1 ? '' : 's'}
          {paged.range}
        </caption>
        <TableHead columns={['Severity', 'Issue', 'When', 'User', 'Stream', 'Detail']} />
        <tbody>
          {paged.shown.map((i, n) => (
            <tr key={n} data-testid={testIds.inspector.issueRow} data-kind={str(i.kind)}>
              <td>
                <Badge color={SEVERITY[str(i.severity)] ?? 'blue'} text={str(i.severity)} />
              </td>
              <td>{`${label(i.kind)}${i.media ? ` (${str(i.role)} ${str(i.media)})` : ''}`}</td>
              <td>{when(i)}</td>
              <td className={t.mono}>{str(i.userId)}</td>
              <td className={t.mono}>{str(i.streamId)}</td>
              <td>{str(i.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager paged={paged} testId={testIds.inspector.issuesPage} />
    </div>
  );
}

/** Degraded subscriber streams of one stream, over the same stretch, put down to the same side: one row. */
function groups(rows: Row[]): Row[][] {
  const out = new Map<string, Row[]>();
  for (const r of rows) {
    const key = [str(r.streamId), str(r.verdict), num(r.start), num(r.end)].join('\u0000');
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return [...out.values()];
}

/** B3: the degraded subscriber streams, the side that degraded them, the evidence, and OpenTok.js's own view. */
function Attribution({ frames }: { frames: DataFrame[] }) {
  const t = useStyles2(getTableStyles);
  const rows = frameRows(frameNamed(frames, 'attribution'));
  const agreement = frameRows(frameNamed(frames, 'agreement'))[0];
  return (
    <div data-testid={testIds.inspector.attribution}>
      <table className={t.table}>
        <caption>Who degraded whom</caption>
        <TableHead
          columns={['When', 'Stream (publisher)', 'Degraded subscribers', 'Degraded by', 'Evidence', 'OpenTok.js said']}
        />
        <tbody>
          {groups(rows).map((g, n) => {
            const r = g[0];
            const theirs = [...new Set(g.map((x) => (x.vonageVerdict ? verdict(x.vonageVerdict) : 'not captured')))];
            return (
              <tr
                key={n}
                data-testid={testIds.inspector.attributionRow}
                data-verdict={str(r.verdict)}
                data-streams={g.length}
              >
                <td>{when(r)}</td>
                <td className={t.mono}>
                  {str(r.streamId)}
                  {r.publisherId ? ` (${str(r.publisherId)})` : ''}
                </td>
                <td>
                  <details>
                    <summary>{`${g.length} (${[...new Set(g.map((x) => str(x.kinds)))].join('; ')})`}</summary>
                    <ul>
                      {g.map((x) => (
                        <li key={str(x.subscriberId)} className={t.mono}>
                          {str(x.userId)}
                        </li>
                      ))}
                    </ul>
                  </details>
                </td>
                <td>
                  <Badge color={VERDICT_COLORS[str(r.verdict)] ?? 'darkgrey'} text={verdict(r.verdict)} />
                  <div>{`${str(r.confidence)} confidence`}</div>
                </td>
                <td>
                  <ul>
                    {str(r.evidence)
                      .split('; ')
                      .map((e) => (
                        <li key={e}>{e}</li>
                      ))}
                  </ul>
                </td>
                <td>{theirs.join(', ')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {agreement && (
        <p data-testid={testIds.inspector.agreement}>
          {num(agreement.comparedWithVonage) > 0
            ? `OpenTok.js named a side for ${num(agreement.comparedWithVonage)} of ${num(agreement.degradedStreams)} degraded streams; it agrees with ours for ${num(agreement.agreeWithVonage)}.`
            : `OpenTok.js's own degradation source was not captured for these ${num(agreement.degradedStreams)} degraded streams (the SDK records it).`}
        </p>
      )}
    </div>
  );
}

/** The diagnosis layer: how this call compares with the usual (B5), its issue tags (B2), and who degraded whom (B3). */
export function DiagnosisModule({ scope }: { scope: InspectorScope }) {
  const targets = [
    scopedQuery(scope, 'baseline', 'baseline'),
    scopedQuery(scope, 'issues', 'issues'),
    scopedQuery(scope, 'attribution', 'attribution'),
  ];
  const states = useQueries(scope.ds, targets, scope.range);
  return (
    <div data-testid={testIds.inspector.diagnosis}>
      <h4>Compared with the usual</h4>
      <ModuleBody
        state={states.baseline}
        title="Baseline"
        empty="No user of this session has a browser, SDK and country to compare."
        isEmpty={(f) => !f.some((x) => x.name === 'baselineSummary' && x.length > 0)}
      >
        {(frames) => <Baseline frames={frames} />}
      </ModuleBody>
      <h4>Issue tags</h4>
      <ModuleBody
        state={states.issues}
        title="Issues"
        empty="No issue: every threshold held, nothing failed."
        isEmpty={(f) => !f.some((x) => x.name === 'issues' && x.length > 0)}
      >
        {(frames) => <Issues frames={frames} />}
      </ModuleBody>
      <h4>Who degraded whom</h4>
      <ModuleBody
        state={states.attribution}
        title="Who degraded whom"
        empty="No subscriber stream was degraded."
        isEmpty={(f) => !f.some((x) => x.name === 'attribution' && x.length > 0)}
      >
        {(frames) => <Attribution frames={frames} />}
      </ModuleBody>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  muted: css({ color: theme.colors.text.secondary, margin: theme.spacing(0, 0, 1) }),
  sentences: css({
    margin: theme.spacing(0, 0, 1),
    paddingLeft: theme.spacing(2),
    fontSize: theme.typography.h5.fontSize,
  }),
  chips: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5), marginBottom: theme.spacing(1) }),
});
