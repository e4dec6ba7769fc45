import React, { useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { Thresholds } from '../../model';
import { formatTime } from '../../components/format';
import type { HeatmapRow } from './heatmapMatrix';

const ROW_PX = 2;
const WORST_LISTED = 10;

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
    const color = (v: number) =>
      v > Thresholds.lossBadPct
        ? theme.colors.error.main
        : v > Thresholds.lossWarnPct
          ? theme.colors.warning.main
          : theme.colors.success.main;
    rows.forEach((r, y) =>
      r.cells.forEach((v, x) => {
        if (v !== null) {
          ctx.fillStyle = color(v);
          ctx.fillRect(x * cellW, y * ROW_PX, Math.ceil(cellW), ROW_PX);
        }
      })
    );
  }, [rows, columns, theme]);

  const pick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const y = Math.floor(((e.clientY - box.top) / box.height) * rows.length);
    setChosen(rows[Math.max(0, Math.min(rows.length - 1, y))]);
  };

  return (
    <div className={s.wrap} data-testid={testIds.inspector.heatmap} data-rows={rows.length}>
      <p className={s.legend}>
        Packet loss of every subscriber&apos;s video ({rows.length} subscribers, worst first) from {formatTime(from)} to{' '}
        {formatTime(to)}: green ≤ {Thresholds.lossWarnPct} %, amber ≤ {Thresholds.lossBadPct} %, red above.
      </p>
      <canvas
        ref={ref}
        className={s.canvas}
        width={columns * 6}
        height={Math.max(1, rows.length * ROW_PX)}
        role="img"
        aria-label={`Heatmap of packet loss for ${rows.length} subscribers over time`}
        onClick={pick}
      />
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
  canvas: css({
    width: '100%',
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
