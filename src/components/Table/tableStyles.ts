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
  }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace, wordBreak: 'break-all' }),
  nested: css({ padding: theme.spacing(0.5, 0, 1, 3), background: theme.colors.background.secondary }),
});
