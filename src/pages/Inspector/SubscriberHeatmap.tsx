import React, { useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { Thresholds } from '../../model';
import { formatTicks } from '../../components/TimeChart/timeAxis';
import { PLOT_INSET_PX } from '../../components/TimeChart/TimeChart';
import { formatTime } from '../../components/format';
import { bandRuns, type HeatmapRow, type LossBand } from './heatmapMatrix';

const ROW_PX = 2;
const WORST_LISTED = 10;
const TICKS = 6;
const LOSS_BANDS: LossBand[] = ['good', 'warn', 'bad'];

interface Props {
  rows: HeatmapRow[];
  from: number;
  to: number;
  columns: number;
}

/** Subscriber x time packet loss, worst first; click a row (or a listed worst one) for its detail. */
export function SubscriberHeatmap({ rows, from, to, columns }: Props) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const ref = useRef<HTMLCanvasElement>(null);
  const [chosen, setChosen] = useState<HeatmapRow>();

  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) {
      return;
    }
    const cellW = canvas.width / columns;
    ctx.fillStyle = theme.colors.background.secondary;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    const colors: Record<LossBand, string> = {
      good: theme.colors.success.main,
      warn: theme.colors.warning.main,
      bad: theme.colors.error.main,
    };
    const runs = bandRuns(rows);
    for (const band of LOSS_BANDS) {
      ctx.fillStyle = colors[band];
      for (const r of runs[band]) {
        ctx.fillRect(r.start * cellW, r.row * ROW_PX, Math.ceil(r.length * cellW), ROW_PX);
      }
    }
  }, [rows, columns, theme]);

  const pick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const y = Math.floor(((e.clientY - box.top) / box.height) * rows.length);
    setChosen(rows[Math.max(0, Math.min(rows.length - 1, y))]);
  };

  const step = (to - from) / (TICKS - 1);
  const tickTimes = Array.from({ length: TICKS }, (_, i) => from + i * step);
  const tickLabels = formatTicks(tickTimes, step, to - from);
  const swatches = [
    { color: theme.colors.success.main, label: `≤ ${Thresholds.lossWarnPct} %` },
    { color: theme.colors.warning.main, label: `${Thresholds.lossWarnPct} to ${Thresholds.lossBadPct} %` },
    { color: theme.colors.error.main, label: `> ${Thresholds.lossBadPct} %` },
    { color: theme.colors.background.secondary, label: 'no sample' },
  ];
  return (
    <div className={s.wrap} data-testid={testIds.inspector.heatmap} data-rows={rows.length}>
      <p className={s.legend}>
        Video packet loss of every subscriber ({rows.length}, one row each, worst first) from {formatTime(from)} to{' '}
        {formatTime(to)}.
      </p>
      <ul className={s.swatches} aria-label="Colour legend">
        {swatches.map((w) => (
          <li key={w.label}>
            <span className={s.swatch} style={{ background: w.color }} aria-hidden />
            {w.label}
          </li>
        ))}
      </ul>
      <div className={s.plot}>
        <div className={s.rowAxis} aria-hidden>
          <span>worst</span>
          <span>{rows.length} subscribers</span>
          <span>best</span>
        </div>
        <canvas
          ref={ref}
          className={s.canvas}
          width={columns * 6}
          height={Math.max(1, rows.length * ROW_PX)}
          role="img"
          aria-label={`Heatmap of packet loss for ${rows.length} subscribers over time`}
          onClick={pick}
        />
        <span />
        <span />
        <div className={s.timeAxis} data-ticks={tickLabels.join('|')}>
          {tickLabels.map((label, i) => (
            <span key={i}>{label}</span>
          ))}
        </div>
      </div>
      <div className={s.worst} aria-label="Worst subscribers">
        {rows.slice(0, WORST_LISTED).map((r) => (
          <Button key={r.subscriber} size="sm" variant="secondary" fill="outline" onClick={() => setChosen(r)}>
            {r.user}: {r.mean.toFixed(1)} %
          </Button>
        ))}
      </div>
      {chosen && (
        <dl className={s.detail} data-testid={testIds.inspector.heatmapDetail}>
          <dt>Subscriber</dt>
          <dd>{chosen.subscriber}</dd>
          <dt>User</dt>
          <dd>{chosen.user}</dd>
          <dt>Stream</dt>
          <dd>{chosen.stream}</dd>
          <dt>Mean loss</dt>
          <dd>{chosen.mean.toFixed(2)} %</dd>
          <dt>Worst loss</dt>
          <dd>{chosen.max.toFixed(2)} %</dd>
        </dl>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrap: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  legend: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize, margin: 0 }),
  swatches: css({
    listStyle: 'none',
    display: 'flex',
    gap: theme.spacing(2),
    margin: 0,
    padding: 0,
    fontSize: theme.typography.bodySmall.fontSize,
    li: { display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5) },
  }),
  swatch: css({ width: 12, height: 12, display: 'inline-block', border: `1px solid ${theme.colors.border.weak}` }),
  plot: css({
    display: 'grid',
    gridTemplateColumns: `${PLOT_INSET_PX.left}px 1fr ${PLOT_INSET_PX.right}px`,
    rowGap: theme.spacing(0.5),
  }),
  rowAxis: css({
    display: 'flex',
    flexDirection: 'column',
    justifyContent: 'space-between',
    paddingRight: theme.spacing(0.5),
    textAlign: 'right',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  timeAxis: css({
    display: 'flex',
    justifyContent: 'space-between',
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  canvas: css({
    width: '100%',
    boxSizing: 'border-box',
    maxHeight: 600,
    imageRendering: 'pixelated',
    cursor: 'pointer',
    border: `1px solid ${theme.colors.border.weak}`,
  }),
  worst: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
  detail: css({
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    gap: theme.spacing(0.5, 2),
    margin: 0,
    dd: { margin: 0, wordBreak: 'break-all' },
  }),
});
