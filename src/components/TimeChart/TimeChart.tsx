import React, { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';

export interface ChartSeries {
  label: string;
  times: number[];
  values: Array<number | null>;
}

export interface Guide {
  value: number;
  label: string;
  color: string;
}

/** A moment on the time axis (a user's rating, an app's mark): a vertical line with its label. */
export interface Marker {
  time: number;
  label: string;
  color: string;
}

interface Props {
  title: string;
  unit: string;
  series: ChartSeries[];
  range: { from: number; to: number };
  guides?: Guide[];
  markers?: Marker[];
  /** Called with the dragged time range (epoch ms); the chart itself never rescales. */
  onZoom?: (from: number, to: number) => void;
  height?: number;
  testId?: string;
  /** Extra attributes for tests and assistive text (series counts per kind...). */
  dataAttributes?: Record<string, string | number>;
}

function drawGuides(u: uPlot, guides: Guide[]) {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.setLineDash([6, 4]);
  ctx.font = `${11 * devicePixelRatio}px sans-serif`;
  for (const g of guides) {
    const y = u.valToPos(g.value, 'y', true);
    if (y < bbox.top || y > bbox.top + bbox.height) {
      continue;
    }
    ctx.strokeStyle = g.color;
    ctx.fillStyle = g.color;
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    ctx.fillText(g.label, bbox.left + bbox.width - ctx.measureText(g.label).width - 4, y - 4);
  }
  ctx.restore();
}

function drawMarkers(u: uPlot, markers: Marker[]) {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.setLineDash([2, 3]);
  ctx.font = `${11 * devicePixelRatio}px sans-serif`;
  for (const m of markers) {
    const x = u.valToPos(m.time, 'x', true);
    if (x < bbox.left || x > bbox.left + bbox.width) {
      continue;
    }
    ctx.strokeStyle = m.color;
    ctx.fillStyle = m.color;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
    ctx.fillText(m.label, x + 3, bbox.top + 12 * devicePixelRatio);
  }
  ctx.restore();
}

/** A uPlot time series chart, theme-aware, with threshold guides, time markers and drag-to-zoom. */
export function TimeChart({
  title,
  unit,
  series,
  range,
  guides = [],
  markers = [],
  onZoom,
  height = 220,
  testId,
  dataAttributes = {},
}: Props) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const ref = useRef<HTMLDivElement>(null);
  const zoomRef = useRef(onZoom);
  useEffect(() => {
    zoomRef.current = onZoom;
  }, [onZoom]);

  useEffect(() => {
    const el = ref.current;
    if (!el) {
      return;
    }
    const data = (
      series.length > 0 ? uPlot.join(series.map((x) => [x.times, x.values] as AlignedData)) : [[]]
    ) as AlignedData;
    const palette = theme.visualization.palette;
    const axis = {
      stroke: theme.colors.text.secondary,
      grid: { stroke: theme.colors.border.weak },
      ticks: { stroke: theme.colors.border.weak },
    };
    const guideMax = Math.max(0, ...guides.map((g) => g.value));
    const opts: Options = {
      width: Math.max(el.clientWidth, 300),
      height,
      ms: 1,
      legend: { show: series.length <= 12 },
      cursor: { drag: { x: true, y: false, setScale: false } },
      scales: {
        x: { time: true, range: () => [range.from, range.to] },
        y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, guideMax * 1.25, 1)] },
      },
      axes: [axis, { ...axis, label: unit, size: 60 }],
      series: [
        {},
        ...series.map((x, i) => ({
          label: x.label,
          stroke: theme.visualization.getColorByName(palette[i % palette.length]),
          width: 1.5,
          spanGaps: false,
          points: { show: false },
        })),
      ],
      hooks: {
        draw: [(u) => drawGuides(u, guides), (u) => drawMarkers(u, markers)],
        setSelect: [
          (u) => {
            if (u.select.width > 4 && zoomRef.current) {
              zoomRef.current(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 300), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, range.from, range.to, guides, markers, height, unit, theme]);

  const attrs = Object.fromEntries(Object.entries(dataAttributes).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <figure
      className={s.figure}
      data-testid={testId}
      data-series={series.length}
      data-markers={markers.length}
      {...attrs}
    >
      <figcaption className={s.caption}>
        {title} ({series.length} series)
      </figcaption>
      <div ref={ref} role="img" aria-label={`${title}: ${series.length} series over time, drag to zoom`} />
    </figure>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({
    margin: 0,
    '.u-legend': { color: theme.colors.text.primary, fontSize: theme.typography.bodySmall.fontSize },
    '.u-select': { background: theme.colors.action.selected },
  }),
  caption: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
