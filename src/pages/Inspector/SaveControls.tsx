import React, { useEffect, useState } from 'react';
import { Alert, Badge, Button, ConfirmModal, Field, Input, Modal, Stack, TagsInput } from '@grafana/ui';
import { testIds } from '../../components/testIds';
import type { SessionDataSource } from '../../datasource/datasource';
import type { SavedSession } from '../../model';
import { errorMessage } from '../../dataAccess/errorMessage';
import { deleteSaved, editSaved, listSaved, saveSession } from '../../rest/savedSessions';
import { lookupWindow } from './sessionRange';

interface Props {
  ds: SessionDataSource;
  sessionId: string;
  project: string | undefined;
}

/** The session's project: from the URL, else from a search by its full id. */
async function resolveProject(
  ds: SessionDataSource,
  sessionId: string,
  project: string | undefined
): Promise<string | undefined> {
  if (project) {
    return project;
  }
  const w = lookupWindow(Date.now());
  const res = await ds.searchSessions({ q: sessionId, from: w.from, to: w.to, limit: 5 });
  return res.sessions.find((s) => s.sessionId === sessionId)?.project;
}

function SaveModal({
  saved,
  onSubmit,
  onDismiss,
}: {
  saved?: SavedSession;
  onSubmit: (name: string, tags: string[]) => Promise<void>;
  onDismiss: () => void;
}) {
  const [name, setName] = useState(saved?.name ?? '');
  const [tags, setTags] = useState<string[]>(saved?.tags ?? []);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(name, tags);
    } catch (err) {
      // The server checks name and tags (required name, at most 3 tags): its message says which.
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <Modal title={saved ? 'Edit saved session' : 'Save session'} isOpen onDismiss={onDismiss}>
      <Field label="Name" required>
        <Input data-testid={testIds.inspector.saveName} value={name} onChange={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label="Tags" description="Up to 3; press Enter after each">
        <div data-testid={testIds.inspector.saveTags}>
          <TagsInput tags={tags} onChange={setTags} />
        </div>
      </Field>
      {error && (
        <Alert data-testid={testIds.inspector.saveError} severity="error" title="Not saved">
          {error}
        </Alert>
      )}
      <Modal.ButtonRow>
        <Button variant="secondary" onClick={onDismiss}>
          Cancel
        </Button>
        <Button data-testid={testIds.inspector.saveSubmit} onClick={submit} disabled={busy}>
          {saved ? 'Save changes' : 'Save'}
        </Button>
      </Modal.ButtonRow>
    </Modal>
  );
}

/** I9 in the header: save (name required, up to 3 tags), edit, save again to refresh, delete. */
export function SaveControls({ ds, sessionId, project }: Props) {
  const [state, setState] = useState<{ project?: string; saved?: SavedSession; error?: string; loaded: boolean }>({
    loaded: false,
  });
  const [dialog, setDialog] = useState<'save' | 'edit' | 'delete'>();

  // Bumped after every write so the saved state is read again from the server.
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      const p = await resolveProject(ds, sessionId, project);
      const saved = p ? (await listSaved(ds, p)).find((x) => x.sessionId === sessionId) : undefined;
      return { project: p, saved, loaded: true };
    })().then(
      (next) => !cancelled && setState(next),
      (err) => !cancelled && setState({ loaded: true, error: errorMessage(err) })
    );
    return () => {
      cancelled = true;
    };
  }, [ds, sessionId, project, version]);
  const load = () => setVersion((v) => v + 1);
  const [refreshError, setRefreshError] = useState<string>();
  const refresh = async (saved: SavedSession) => {
    setRefreshError(undefined);
    try {
      await saveSession(ds, saved.project, sessionId, { name: saved.name, tags: saved.tags });
      load();
    } catch (err) {
      setRefreshError(errorMessage(err));
    }
  };

  if (!state.loaded) {
    return null;
  }
  if (state.error || !state.project) {
    return (
      <Badge
        color="orange"
        icon="exclamation-triangle"
        text={`Saving unavailable: ${state.error ?? 'project unknown'}`}
      />
    );
  }
  const p = state.project;
  const close = () => setDialog(undefined);
  return (
    <Stack gap={1} alignItems="center">
      {state.saved && (
        <Badge
          data-testid={testIds.inspector.savedBadge}
          color="blue"
          icon="bookmark"
          text={`Saved as ${state.saved.name}${state.saved.tags.length ? ` · ${state.saved.tags.join(', ')}` : ''}`}
        />
      )}
      <Button
        data-testid={testIds.inspector.save}
        icon="save"
        variant={state.saved ? 'secondary' : 'primary'}
        size="sm"
        onClick={() => setDialog(state.saved ? 'edit' : 'save')}
      >
        {state.saved ? 'Edit saved' : 'Save session'}
      </Button>
      {state.saved && (
        <Button
          icon="sync"
          variant="secondary"
          size="sm"
          tooltip="Save again: the kept copy takes the data still in retention"
          onClick={() => refresh(state.saved!)}
        >
          Save again
        </Button>
      )}
      {refreshError && <Badge color="red" icon="exclamation-triangle" text={refreshError} />}
      {state.saved && (
        <Button
          data-testid={testIds.inspector.deleteSaved}
          icon="trash-alt"
          variant="destructive"
          size="sm"
          fill="outline"
          onClick={() => setDialog('delete')}
        >
          Delete saved
        </Button>
      )}
      {(dialog === 'save' || dialog === 'edit') && (
        <SaveModal
          saved={dialog === 'edit' ? state.saved : undefined}
          onDismiss={close}
          onSubmit={async (name, tags) => {
            await (dialog === 'edit'
              ? editSaved(ds, p, sessionId, { name, tags })
              : saveSession(ds, p, sessionId, { name, tags }));
            close();
            load();
          }}
        />
      )}
      {dialog === 'delete' && (
        <ConfirmModal
          isOpen
          title="Delete saved session"
          body={`Delete "${state.saved?.name}"? Its data is then kept only until raw retention ends.`}
          confirmText="Delete"
          onDismiss={close}
          onConfirm={async () => {
            await deleteSaved(ds, p, sessionId);
            close();
            load();
          }}
        />
      )}
    </Stack>
  );
}
