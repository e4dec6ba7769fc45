import React from 'react';
import { Link } from 'react-router-dom';
import type { PanelProps } from '@grafana/data';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { testIds } from '../../components/testIds';
import { UserDrilldown } from '../../components/UserDrilldown/UserDrilldown';
import type { SessionQuery } from '../../datasource/types';
import { inspectorUrl } from '../../state/inspectorState';
import { panelState, WrongQuery } from '../PanelState';
import type { UserDrilldownOptions } from './types';

/** User drilldown on any dashboard: the frames of a `users` query. */
export function UserDrilldownPanel({
  data,
  options,
  width,
  height,
  replaceVariables,
}: PanelProps<UserDrilldownOptions>) {
  const target = data.request?.targets[0] as SessionQuery | undefined;
  const sessionId = target?.sessionId ? replaceVariables(target.sessionId) : undefined;
  const project = target?.project ? replaceVariables(target.project) : undefined;
  return (
    <div data-testid={testIds.panels.userDrilldown} style={{ width, height, overflow: 'auto' }}>
      {options.showInspectorLink && sessionId && (
        <Link to={inspectorUrl(sessionId, { project })}>Open {sessionId} in the Inspector</Link>
      )}
      <ModuleBody state={panelState(data)} title="Users" empty="No user in this time range.">
        {(frames) =>
          frames.some((f) => f.name === 'users') ? (
            <UserDrilldown frames={frames} expandAll={options.expandAll} />
          ) : (
            <WrongQuery expected="users" />
          )
        }
      </ModuleBody>
    </div>
  );
}
