import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { setDataSourceSrv, type DataSourceSrv } from '@grafana/runtime';
import type { DataSourceInstanceSettings } from '@grafana/data';
import { testIds } from '../../components/testIds';
import { mockDataSource, mockInstanceSettings } from '../../test/mocks';
import SessionsPage from './SessionsPage';

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  PluginPage: ({ children }: { children: React.ReactNode }) => <div>{children}</div>,
}));

const SESSION = {
  project: 'demo',
  sessionId: '1_MX4abc',
  callType: 'one-to-one',
  start: Date.UTC(2026, 10, 24, 10),
  end: Date.UTC(2026, 10, 24, 10, 30),
  durationS: 1800,
  users: 2,
  connections: 2,
  streams: 2,
  subscribers: 2,
  errors: 1,
  importedAt: null,
};

function withDataSource(search: jest.Mock | undefined) {
  const ds = mockDataSource();
  if (search) {
    ds.getResource = search;
  }
  const list: DataSourceInstanceSettings[] = search ? [mockInstanceSettings()] : [];
  setDataSourceSrv({ getList: () => list, get: async () => ds } as unknown as DataSourceSrv);
}

function renderPage() {
  render(
    <MemoryRouter>
      <SessionsPage />
    </MemoryRouter>
  );
}

describe('SessionsPage', () => {
  it('lists sessions from the data source', async () => {
    const search = jest.fn().mockResolvedValue({ from: 0, to: 1, sessions: [SESSION] });
    withDataSource(search);
    renderPage();
    expect(await screen.findByTestId(testIds.sessions.table)).toHaveTextContent('1_MX4abc');
    expect(screen.getByText('30 min 0 s')).toBeInTheDocument();
    expect(search).toHaveBeenCalledWith('sessions', expect.objectContaining({ limit: 200 }));
    expect(search.mock.calls[0][1]).not.toHaveProperty('q');
  });

  it('searches by id prefix', async () => {
    const search = jest.fn().mockResolvedValue({ from: 0, to: 1, sessions: [] });
    withDataSource(search);
    renderPage();
    await userEvent.type(screen.getByTestId(testIds.sessions.search), '1_MX4z');
    await waitFor(() => expect(search).toHaveBeenLastCalledWith('sessions', expect.objectContaining({ q: '1_MX4z' })));
    expect(await screen.findByTestId(testIds.sessions.empty)).toHaveTextContent('No session id starts with "1_MX4z"');
  });

  it('shows the collector error', async () => {
    withDataSource(jest.fn().mockRejectedValue({ data: { error: 'the collector refused the read token' } }));
    renderPage();
    expect(await screen.findByTestId(testIds.sessions.error)).toHaveTextContent('the collector refused the read token');
  });

  it('sends the call type, size and error filters', async () => {
    const search = jest.fn().mockResolvedValue({ from: 0, to: 1, sessions: [SESSION] });
    withDataSource(search);
    renderPage();
    await screen.findByTestId(testIds.sessions.table);
    await userEvent.click(screen.getByLabelText('With errors only'));
    await waitFor(() =>
      expect(search).toHaveBeenLastCalledWith('sessions', expect.objectContaining({ hasErrors: 'true' }))
    );
    await userEvent.type(screen.getByRole('spinbutton'), '5');
    await waitFor(() =>
      expect(search).toHaveBeenLastCalledWith('sessions', expect.objectContaining({ hasErrors: 'true', minSize: 5 }))
    );
  });

  it('links each session to the Inspector with its project', async () => {
    withDataSource(jest.fn().mockResolvedValue({ from: 0, to: 1, sessions: [SESSION] }));
    renderPage();
    expect(await screen.findByRole('link', { name: '1_MX4abc' })).toHaveAttribute(
      'href',
      '/a/rtc-sessioninspector-app/sessions/1_MX4abc?project=demo'
    );
  });

  it('says when no data source exists', async () => {
    withDataSource(undefined);
    renderPage();
    expect(await screen.findByTestId(testIds.sessions.noDatasource)).toBeInTheDocument();
  });
});
