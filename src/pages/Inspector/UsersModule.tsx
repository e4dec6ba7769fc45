import React from 'react';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { UserDrilldown } from '../../components/UserDrilldown/UserDrilldown';
import type { ModuleState } from '../../dataAccess/useQueries';

/** I4 in the Inspector: the drilldown over the page's `users` answer. */
export function UsersModule({ state }: { state: ModuleState }) {
  return (
    <ModuleBody
      state={state}
      title="Users"
      empty="No user in this range."
      isEmpty={(f) => !f.some((x) => x.name === 'users' && x.length > 0)}
    >
      {(frames) => <UserDrilldown frames={frames} />}
    </ModuleBody>
  );
}
