import React from 'react';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockDataSource, mockQuery } from '../../test/mocks';
import { installFakeBackend } from '../testing/fakeBackend';
import { testIds } from '../testIds';
import type { SessionQuery } from '../types';
import { QueryEditor } from './QueryEditor';

async function setup(query: SessionQuery, vars: Record<string, string> = { session: 's-1' }) {
  const backend = installFakeBackend();
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const view = render(
    <QueryEditor datasource={mockDataSource(vars)} query={query} onChange={onChange} onRunQuery={onRunQuery} />
  );
  // Lets the selects' lists, loaded from the fake server, land before the test acts.
  await act(async () => undefined);
  return { onChange, onRunQuery, view, backend };
}

/** Opens a select by its accessible name and picks the option with this text. */
async function pick(name: string, option: string) {
  await userEvent.click(screen.getByRole('combobox', { name }));
  await userEvent.click(await screen.findByText(option));
}

describe('QueryEditor', () => {
  it('offers every query type', async () => {
    await setup(mockQuery());
    await userEvent.click(screen.getByRole('combobox', { name: 'Query type' }));
    for (const label of [
      'Sessions',
      'Meetings',
      'Summary',
      'Users',
      'Errors',
      'Failure rates',
      'Events',
      'Quality',
      'Large session',
      'Fleet',
      'Annotations',
      'Issues',
      'Scores',
      'Baseline',
      'Reproduction kit',
      'Who degraded whom',
      'Variable values',
    ]) {
      expect(screen.getAllByText(label).length).toBeGreaterThan(0);
    }
  });

  it('shows the sessions fields and hides the quality ones', async () => {
    await setup(mockQuery());
    expect(screen.getByTestId(testIds.queryEditor.sessionIdPrefix)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.queryEditor.limit)).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Session' })).not.toBeInTheDocument();
    expect(screen.queryByText('Metrics')).not.toBeInTheDocument();
  });

  it('switching to quality keeps only the fields quality reads and runs the query', async () => {
    const { onChange, onRunQuery } = await setup(
      mockQuery({ project: 'demo', sessionIdPrefix: '1_MX', hasErrors: true })
    );
    await pick('Query type', 'Quality');
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'quality', version: 1, project: 'demo' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('switching between session queries keeps the session id', async () => {
    const { onChange } = await setup(mockQuery({ queryType: 'events', sessionId: 's-1', textFilter: '+connect' }));
    expect(screen.getByTestId(testIds.queryEditor.textFilter)).toHaveValue('+connect');
    await pick('Query type', 'Summary');
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'summary', version: 1, sessionId: 's-1' });
  });

  it('quality without a session explains what is missing', async () => {
    await setup(mockQuery({ queryType: 'quality' }));
    expect(screen.getByTestId(testIds.queryEditor.problem)).toHaveTextContent(
      'Choose a session (or a variable such as $session)'
    );
    expect(screen.getByText('Metrics')).toBeInTheDocument();
  });

  it("the session select lists the project's sessions from the collector and the dashboard variables", async () => {
    const { onChange, onRunQuery, backend } = await setup(mockQuery({ queryType: 'quality', project: 'demo' }));
    await waitFor(() => expect(backend.sent.some((q) => q.variable === 'sessions')).toBe(true));
    expect(backend.sent.find((q) => q.variable === 'sessions')).toMatchObject({
      queryType: 'variables',
      project: 'demo',
    });
    await userEvent.click(screen.getByRole('combobox', { name: 'Session' }));
    expect(await screen.findByText('s-2 (label)')).toBeInTheDocument();
    expect(screen.getByText('$session')).toBeInTheDocument();
    await userEvent.click(screen.getByText('s-1 (label)'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ sessionId: 's-1', queryType: 'quality' }));
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('users and streams are listed within the chosen session; a new session clears them', async () => {
    const { onChange, backend } = await setup(
      mockQuery({ queryType: 'quality', project: 'demo', sessionId: 's-1', userId: 'alice', streamId: 'st-a' })
    );
    await pick('User', 'bob (label)');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ sessionId: 's-1', userId: 'bob', streamId: 'st-a' })
    );
    expect(backend.sent.find((q) => q.variable === 'users')).toMatchObject({ sessionId: 's-1', project: 'demo' });
    await pick('Session', 's-2 (label)');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ sessionId: 's-2', userId: undefined, streamId: undefined, meetingId: undefined })
    );
  });

  it('users wait for a session before listing anything', async () => {
    const { backend } = await setup(mockQuery({ queryType: 'users' }));
    expect(backend.sent.filter((q) => q.variable === 'users')).toEqual([]);
  });

  it('role and media buttons set and clear the filter', async () => {
    const { onChange } = await setup(mockQuery({ queryType: 'quality', sessionId: 's', role: 'publisher' }));
    await userEvent.click(screen.getByLabelText('Subscribers'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ role: 'subscriber' }));
    await userEvent.click(screen.getAllByLabelText('Both')[0]);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ role: undefined }));
    await userEvent.click(screen.getByLabelText('Video'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ media: 'video' }));
  });

  it('the errors switch, saved buttons and limit set booleans and numbers, not strings', async () => {
    const { onChange } = await setup(mockQuery());
    await userEvent.click(screen.getByTestId(testIds.queryEditor.hasErrors));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ hasErrors: true }));
    await userEvent.click(screen.getByLabelText('Not saved'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ saved: false }));
    await userEvent.type(screen.getByTestId(testIds.queryEditor.limit), '7');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: 7 }));
  });

  it('fleet: a failure rate asks for an action instead of a statistic and quality filters', async () => {
    const { onChange, view } = await setup(
      mockQuery({ queryType: 'fleet', fleetMetric: 'lossPct', stat: 'max', media: 'audio' })
    );
    expect(screen.getByRole('combobox', { name: 'Statistic' })).toBeInTheDocument();
    await pick('Fleet metric', 'Failure rate');
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ fleetMetric: 'failureRate', stat: undefined, media: undefined })
    );
    view.rerender(
      <QueryEditor
        datasource={mockDataSource()}
        query={onChange.mock.lastCall[0]}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    expect(screen.queryByRole('combobox', { name: 'Statistic' })).not.toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Subscribe'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ action: 'subscribe' }));
  });

  it('fleet: group by stream and one number per series, for alert rules', async () => {
    const { onChange } = await setup(mockQuery({ queryType: 'fleet' }));
    await pick('Group by', 'Stream');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ groupBy: 'stream' }));
    await userEvent.click(screen.getByLabelText('One number'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ format: 'numeric' }));
  });

  it('variables: choosing what to list, and a session list needing a session says so', async () => {
    const { onChange } = await setup(mockQuery({ queryType: 'variables', variable: 'streams' }));
    expect(screen.getByTestId(testIds.queryEditor.problem)).toHaveTextContent('Listing streams needs a session');
    await pick('List', 'Projects');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ variable: 'projects' }));
  });

  it('stores a query saved under an older model version upgraded', async () => {
    const { onChange } = await setup({ refId: 'A', queryType: 'sessions', sessionId: 'stale', limit: 5 });
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'sessions', limit: 5, version: 1 });
  });
});
