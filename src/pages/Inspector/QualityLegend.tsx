import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2, useTheme2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { QualityFrameInfo } from './qualitySeries';

interface Props {
  infos: QualityFrameInfo[];
  colors: Map<string, string>;
}

/**
 * Who is who on the quality charts: one colour per user, with how many streams the user
 * publishes (solid lines) and receives (dashed). Pointing at a line names it under its chart.
 */
export function QualityLegend({ infos, colors }: Props) {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const users = [...colors.keys()].map((user) => {
    const mine = infos.filter((i) => i.user === user);
    return {
      user,
      published: new Set(mine.filter((i) => i.role === 'publisher').map((i) => i.stream)).size,
      received: new Set(mine.filter((i) => i.role === 'subscriber').map((i) => i.stream)).size,
    };
  });
  if (users.length === 0) {
    return null;
  }
  return (
    <div className={s.legend} data-testid={testIds.inspector.qualityLegend}>
      <span className={s.key}>
        {users.length} user{users.length === 1 ? '' : 's'}, one colour each: solid lines are streams they publish,
        dashed lines streams they receive.
      </span>
      <ul className={s.list}>
        {users.map((u) => (
          <li key={u.user} className={s.item} data-user={u.user}>
            <span
              className={s.swatch}
              style={{ background: theme.visualization.getColorByName(colors.get(u.user) ?? '') }}
              aria-hidden
            />
            <span className={s.name}>{u.user}</span>
            <span className={s.counts}>
              publishes {u.published}, receives {u.received}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  legend: css({ fontSize: theme.typography.bodySmall.fontSize, marginBottom: theme.spacing(1) }),
  key: css({ color: theme.colors.text.secondary }),
  list: css({
    listStyle: 'none',
    margin: theme.spacing(0.5, 0, 0),
    padding: 0,
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 2),
    maxHeight: theme.spacing(12),
    overflowY: 'auto',
  }),
  item: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5) }),
  swatch: css({ width: 12, height: 4, borderRadius: 2, display: 'inline-block' }),
  name: css({ fontFamily: theme.typography.fontFamilyMonospace, color: theme.colors.text.primary }),
  counts: css({ color: theme.colors.text.secondary }),
});
