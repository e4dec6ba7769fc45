import React, { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { Alert, Button, Checkbox, LoadingPlaceholder, Stack, TagList, useStyles2 } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import { getTableStyles } from '../../components/Table/tableStyles';
import type { SavedSession } from '../../model';
import { errorMessage } from '../../dataAccess/errorMessage';
import { findDataSource } from '../../dataAccess/findDataSource';
import { formatTime } from '../../components/format';
import { inspectorUrl } from '../../state/inspectorState';
import { deleteManySaved, listSaved } from '../../rest/savedSessions';
import { TableHead } from '../../components/Table/TableHead';

type State = { status: 'loading' } | { status: 'error'; message: string } | { status: 'done'; saved: SavedSession[] };

const keyOf = (s: { project: string; sessionId: string }) => `${s.project}/${s.sessionId}`;

/** I9: saved sessions of every granted project; select some to delete many at once. */
export function SavedSessions() {
  const t = useStyles2(getTableStyles);
  const [state, setState] = useState<State>({ status: 'loading' });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [version, setVersion] = useState(0);
  const [deleteError, setDeleteError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const ds = await findDataSource();
      if (!ds) {
        throw new Error('No Session Telemetry data source');
      }
      return listSaved(ds);
    })().then(
      (saved) => !cancelled && setState({ status: 'done', saved }),
      (err) => !cancelled && setState({ status: 'error', message: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [version]);

  if (state.status === 'loading') {
    return <LoadingPlaceholder text="Loading saved sessions..." />;
  }
  if (state.status === 'error') {
    return (
      <Alert severity="error" title="Could not load saved sessions">
        {state.message}
      </Alert>
    );
  }
  if (state.saved.length === 0) {
    return (
      <p data-testid={testIds.sessions.saved} role="status">
        No saved session. Save one from the Inspector&apos;s header.
      </p>
    );
  }
  const toggle = (key: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      on ? next.add(key) : next.delete(key);
      return next;
    });
  const deleteSelected = async () => {
    setDeleteError(undefined);
    try {
      const ds = await findDataSource();
      if (ds) {
        await deleteManySaved(
          ds,
          state.saved.filter((s) => selected.has(keyOf(s))).map(({ project, sessionId }) => ({ project, sessionId }))
        );
      }
      setSelected(new Set());
      setVersion((v) => v + 1);
    } catch (err) {
      setDeleteError(errorMessage(err));
    }
  };
  return (
    <Stack direction="column" gap={1}>
      {deleteError && (
        <Alert severity="error" title="Not deleted">
          {deleteError}
        </Alert>
      )}
      <table className={t.table} data-testid={testIds.sessions.saved}>
        <TableHead
          columns={[{ label: 'Select', hidden: true }, 'Name', 'Tags', 'Session id', 'Project', 'Saved', 'By']}
        />
        <tbody>
          {state.saved.map((s) => (
            <tr key={keyOf(s)} data-testid={testIds.sessions.savedRow} data-session={s.sessionId}>
              <td>
                <Checkbox
                  aria-label={`Select ${s.name}`}
                  value={selected.has(keyOf(s))}
                  onChange={(e) => toggle(keyOf(s), e.currentTarget.checked)}
                />
              </td>
              <td>{s.name}</td>
              <td>
                <TagList tags={s.tags} className={t.tags} />
              </td>
              <td className={t.mono}>
                <Link to={inspectorUrl(s.sessionId, { project: s.project })}>{s.sessionId}</Link>
              </td>
              <td>{s.project}</td>
              <td>{formatTime(s.updatedAt)}</td>
              <td title={s.savedBy ? undefined : 'The collector was not told who saved it'}>{s.savedBy ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected.size > 0 && (
        <div>
          <Button variant="destructive" icon="trash-alt" size="sm" onClick={deleteSelected}>
            Delete selected ({selected.size})
          </Button>
        </div>
      )}
    </Stack>
  );
}
