import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { UserDrilldown } from '../../components/UserDrilldown/UserDrilldown';
import { scoreIndex } from '../../components/Scores/scoreIndex';
import type { ModuleState } from '../../dataAccess/useQueries';

/** I4 in the Inspector: the drilldown over the page's `users` answer, with the scores (B1) once they arrive. */
export function UsersModule({ state, scores }: { state: ModuleState; scores?: ModuleState }) {
  const s = useStyles2(getStyles);
  return (
    <ModuleBody
      state={state}
      title="Users"
      empty="No user in this range."
      isEmpty={(f) => !f.some((x) => x.name === 'users' && x.length > 0)}
    >
      {(frames) => (
        // A thousand users scroll inside the module instead of making the page 9,000 px tall.
        <div className={s.scroll} tabIndex={0} role="region" aria-label="Users, scrollable">
          <UserDrilldown frames={frames} scores={scores?.status === 'done' ? scoreIndex(scores.frames) : undefined} />
        </div>
      )}
    </ModuleBody>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  scroll: css({ maxHeight: 640, overflow: 'auto', paddingRight: theme.spacing(1) }),
});
