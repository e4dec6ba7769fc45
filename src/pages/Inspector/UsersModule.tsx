import React from 'react';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { UserDrilldown } from '../../components/UserDrilldown/UserDrilldown';
import { scoreIndex } from '../../components/Scores/scoreIndex';
import type { ModuleState } from '../../utils/useQueries';

/** I4 in the Inspector: the drilldown over the page's `users` answer, with the scores (B1) once they arrive. */
export function UsersModule({ state, scores }: { state: ModuleState; scores?: ModuleState }) {
  return (
    <ModuleBody
      state={state}
      title="Users"
      empty="No user in this range."
      isEmpty={(f) => !f.some((x) => x.name === 'users' && x.length > 0)}
    >
      {(frames) => (
        <UserDrilldown frames={frames} scores={scores?.status === 'done' ? scoreIndex(scores.frames) : undefined} />
      )}
    </ModuleBody>
  );
}
