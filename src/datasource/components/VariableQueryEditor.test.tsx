import React from 'react';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockDataSource } from '../../test/mocks';
import { installFakeBackend } from '../testing/fakeBackend';
import { testIds } from '../testIds';
import type { SessionQuery } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

async function setup(query: SessionQuery) {
  const backend = installFakeBackend();
  const onChange = jest.fn();
  render(
    <VariableQueryEditor
      datasource={mockDataSource({ project: 'demo', session: 's-1' })}
      query={query}
      onChange={onChange}
      onRunQuery={jest.fn()}
    />
  );
  await act(async () => undefined);
  return { onChange, backend };
}

describe('VariableQueryEditor', () => {
  it('a new variable asks what to list and shows no scope yet', async () => {
    await setup({ refId: 'var' });
    expect(screen.getByTestId(testIds.queryEditor.problem)).toHaveTextContent('Choose what to list');
    expect(screen.queryByRole('combobox', { name: 'Project' })).not.toBeInTheDocument();
  });

  it('choosing sessions stores a variables query of the current version', async () => {
    const { onChange } = await setup({ refId: 'var' });
    await userEvent.click(screen.getByRole('combobox', { name: 'List' }));
    await userEvent.click(await screen.findByText('Sessions'));
    expect(onChange).toHaveBeenLastCalledWith({
      refId: 'var',
      queryType: 'variables',
      version: 1,
      variable: 'sessions',
    });
  });

  it('meetings chain on $session: project and session selects offer the dashboard variables', async () => {
    const { onChange, backend } = await setup({
      refId: 'var',
      queryType: 'variables',
      version: 1,
      variable: 'meetings',
      project: '$project',
    });
    expect(screen.getByRole('combobox', { name: 'Session' })).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'User' })).not.toBeInTheDocument();
    await waitFor(() => expect(backend.sent.some((q) => q.variable === 'sessions')).toBe(true));
    // The session list is taken within $project, interpolated before it leaves the browser.
    expect(backend.sent.find((q) => q.variable === 'sessions')).toMatchObject({ project: 'demo' });
    await userEvent.click(screen.getByRole('combobox', { name: 'Session' }));
    await userEvent.click(await screen.findByText('$session'));
    expect(onChange).toHaveBeenLastCalledWith(
      expect.objectContaining({ variable: 'meetings', project: '$project', sessionId: '$session' })
    );
  });
});
