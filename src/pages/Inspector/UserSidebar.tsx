import React from 'react';
import { Combobox, RadioButtonList } from '@grafana/ui';
import type { DataFrame } from '@grafana/data';
import { testIds } from '../../components/testIds';
import { frameNamed, frameRows, str } from '../../dataAccess/frames';

interface Props {
  roster: DataFrame[];
  userId: string | undefined;
  onChange: (userId: string | undefined) => void;
}

const ALL = '__all__';
/** The sidebar's heading, which names the user list for assistive technology. */
export const USERS_HEADING_ID = 'inspector-users-heading';
/** Past this many users a searchable list replaces the radio list (large sessions have thousands). */
const RADIO_LIST_MAX = 30;

/** The user filter shared by every module (kept in the URL as `user`). */
export function UserSidebar({ roster, userId, onChange }: Props) {
  const users = frameRows(frameNamed(roster, 'users'));
  const options = [
    { label: `All users (${users.length})`, value: ALL },
    ...users.map((u) => ({ label: `${str(u.userId)} · ${str(u.endpoint)}`, value: str(u.userId) })),
  ];
  return (
    <nav aria-label="User filter" data-testid={testIds.inspector.userFilter}>
      {options.length <= RADIO_LIST_MAX + 1 ? (
        <RadioButtonList
          name="inspector-user"
          options={options}
          value={userId ?? ALL}
          onChange={(v) => onChange(v === ALL ? undefined : v)}
        />
      ) : (
        <Combobox
          aria-labelledby={USERS_HEADING_ID}
          options={options}
          value={userId ?? ALL}
          onChange={(o) => onChange(o.value === ALL ? undefined : o.value)}
        />
      )}
    </nav>
  );
}
