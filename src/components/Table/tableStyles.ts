import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** Plain, theme-aware tables: the Inspector's tables are small and nest (users → connections). */
export const getTableStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
    // Grafana's base styles put captions under tables: a caption names the table it heads.
    caption: {
      captionSide: 'top',
      textAlign: 'left',
      padding: theme.spacing(0.5, 0),
      color: theme.colors.text.primary,
      fontWeight: theme.typography.fontWeightMedium,
    },
  }),
  /** Ids are read and copied whole: never wrapped inside a token (the table scrolls instead). */
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, whiteSpace: 'nowrap' }),
  scroll: css({ overflowX: 'auto', maxWidth: '100%' }),
  /** A time or a badge read at a glance: kept on one line. */
  nowrap: css({ whiteSpace: 'nowrap' }),
  /** A short table sized to its content rather than stretched over the page. */
  compact: css({ width: 'auto', minWidth: 480 }),
  /** Tags start under their column header (TagList aligns them right by default). */
  tags: css({ justifyContent: 'flex-start' }),
  /** A failed attempt or an error, marked beyond its colour for who cannot see it. */
  failed: css({
    background: theme.colors.error.transparent,
    'td:first-child': { boxShadow: `inset 3px 0 0 ${theme.colors.error.main}` },
  }),
  nested: css({ padding: theme.spacing(0.5, 0, 1, 3), background: theme.colors.background.secondary }),
});
