import React, { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { formatTicks, tzDateOf } from './timeAxis';

export interface ChartSeries {
  label: string;
  times: number[];
  values: Array<number | null>;
  /** A colour of the theme's palette, by name; by default the palette in series order. */
  color?: string;
  /** Dash pattern in pixels (e.g. subscribers dashed); solid by default. */
  dash?: number[];
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
  /** uPlot's legend of every series (default: up to 12 series); off when the caller has its own. */
  seriesLegend?: boolean;
}

const LABEL_HEIGHT = 16;
const Y_AXIS_PX = 60;
const Y_AXIS_LABEL_PX = 30;
const RIGHT_PAD_PX = 25;
/** Where the plot area sits inside a chart: fixed, so views drawn on the same time axis (the heatmap) line up. */
export const PLOT_INSET_PX = { left: Y_AXIS_PX + Y_AXIS_LABEL_PX, right: RIGHT_PAD_PX };

/**
 * Threshold guides: a dashed line each, its label on a box of the chart's background at the
 * left edge, above the line (below it when it would touch the previous label or the top).
 */
function drawGuides(u: uPlot, guides: Guide[], background: string) {
  const { ctx, bbox } = u;
  const px = devicePixelRatio;
  ctx.save();
  ctx.font = `${11 * px}px sans-serif`;
  // uPlot leaves the y axis' right alignment on the context: without this the labels end at the
  // plot's left edge, over the axis and its unit.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  const placed: number[] = [];
  const sorted = [...guides].sort((a, b) => b.value - a.value);
  for (const g of sorted) {
    const y = u.valToPos(g.value, 'y', true);
    if (y < bbox.top || y > bbox.top + bbox.height) {
      continue;
    }
    ctx.setLineDash([6 * px, 4 * px]);
    ctx.strokeStyle = g.color;
    ctx.lineWidth = px;
    ctx.beginPath();
    ctx.moveTo(bbox.left, y);
    ctx.lineTo(bbox.left + bbox.width, y);
    ctx.stroke();
    let top = y - (LABEL_HEIGHT + 2) * px;
    if (top < bbox.top || placed.some((p) => Math.abs(p - top) < LABEL_HEIGHT * px)) {
      top = y + 2 * px;
    }
    placed.push(top);
    const width = ctx.measureText(g.label).width + 8 * px;
    ctx.setLineDash([]);
    ctx.fillStyle = background;
    ctx.fillRect(bbox.left + 4 * px, top, width, LABEL_HEIGHT * px);
    ctx.fillStyle = g.color;
    ctx.fillText(g.label, bbox.left + 8 * px, top + 12 * px);
  }
  ctx.restore();
}

function drawMarkers(u: uPlot, markers: Marker[]) {
  const { ctx, bbox } = u;
  ctx.save();
  ctx.setLineDash([2, 3]);
  ctx.font = `${11 * devicePixelRatio}px sans-serif`;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
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

/**
 * A uPlot time series chart, theme-aware, with threshold guides, time markers, drag-to-zoom, a
 * time axis in the user's time zone and Grafana's date formats, and a readout naming the series
 * under the cursor.
 */
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
  seriesLegend = series.length <= 12,
}: Props) {
  const theme = useTheme2();
  const s = useStyles2(getStyles);
  const ref = useRef<HTMLDivElement>(null);
  const readout = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
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
    let focused = -1;
    const showReadout = (u: uPlot) => {
      const box = readout.current;
      if (!box) {
        return;
      }
      const i = u.cursor.idx;
      const x = series[focused - 1];
      if (!x || i === null || i === undefined) {
        box.textContent = series.length ? 'Point at a line to name it.' : '';
        return;
      }
      const v = u.data[focused][i];
      box.textContent = `${x.label}: ${v === null || v === undefined ? 'no sample' : `${Number(v.toFixed(2))} ${unit}`} at ${dateTimeFormat(u.data[0][i])}`;
    };
    const opts: Options = {
      width: Math.max(el.clientWidth, 300),
      height,
      ms: 1,
      tzDate: tzDateOf(),
      padding: [null, RIGHT_PAD_PX, null, 0],
      legend: { show: seriesLegend },
      focus: { alpha: 0.25 },
      cursor: { drag: { x: true, y: false, setScale: false }, focus: { prox: 24 } },
      scales: {
        x: { time: true, range: () => [range.from, range.to] },
        y: { range: (_u, _min, max) => [0, Math.max(max ?? 0, guideMax * 1.25, 1)] },
      },
      axes: [
        {
          ...axis,
          values: (_u, splits, _axis, _space, incr) => {
            const labels = formatTicks(splits, incr, range.to - range.from);
            figure.current?.setAttribute('data-ticks', labels.join('|'));
            return labels;
          },
        },
        { ...axis, label: unit, size: Y_AXIS_PX, labelSize: Y_AXIS_LABEL_PX },
      ],
      series: [
        {},
        ...series.map((x, i) => ({
          label: x.label,
          stroke: theme.visualization.getColorByName(x.color ?? palette[i % palette.length]),
          dash: x.dash,
          width: 1.5,
          spanGaps: false,
          points: { show: false },
        })),
      ],
      hooks: {
        draw: [(u) => drawGuides(u, guides, theme.colors.background.primary), (u) => drawMarkers(u, markers)],
        setSeries: [
          (u, i) => {
            focused = i ?? -1;
            showReadout(u);
          },
        ],
        setCursor: [showReadout],
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
    showReadout(plot);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(el.clientWidth, 300), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, range.from, range.to, guides, markers, height, unit, theme, seriesLegend]);

  const attrs = Object.fromEntries(Object.entries(dataAttributes).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <figure
      ref={figure}
      className={s.figure}
      data-testid={testId}
      data-series={series.length}
      data-markers={markers.length}
      {...attrs}
    >
      <figcaption className={s.caption}>
        {title} ({series.length} series, {unit})
      </figcaption>
      <div ref={ref} role="img" aria-label={`${title}: ${series.length} series over time, drag to zoom`} />
      <div ref={readout} className={s.readout} aria-live="polite" />
    </figure>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  figure: css({
    margin: 0,
    '.u-legend': { color: theme.colors.text.primary, fontSize: theme.typography.bodySmall.fontSize },
    '.u-select': { background: theme.colors.action.selected },
  }),
  caption: css({
    color: theme.colors.text.primary,
    fontSize: theme.typography.body.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    marginBottom: theme.spacing(0.5),
  }),
  readout: css({
    minHeight: theme.spacing(2.5),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    fontFamily: theme.typography.fontFamilyMonospace,
  }),
});
