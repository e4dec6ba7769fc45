import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mockDataSource, mockQuery } from '../../test/mocks';
import { testIds } from '../testIds';
import type { SessionQuery } from '../types';
import { QueryEditor } from './QueryEditor';

function setup(query: SessionQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  const view = render(<QueryEditor datasource={mockDataSource()} query={query} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery, view };
}

describe('QueryEditor', () => {
  it('shows the sessions fields and hides the quality ones', () => {
    setup(mockQuery());
    expect(screen.getByTestId(testIds.queryEditor.sessionIdPrefix)).toBeInTheDocument();
    expect(screen.getByTestId(testIds.queryEditor.limit)).toBeInTheDocument();
    expect(screen.queryByTestId(testIds.queryEditor.sessionId)).not.toBeInTheDocument();
    expect(screen.queryByText('Metrics')).not.toBeInTheDocument();
  });

  it('switching to quality keeps only the fields quality reads and runs the query', async () => {
    const { onChange, onRunQuery } = setup(mockQuery({ project: 'demo', sessionIdPrefix: '1_MX', hasErrors: true }));
    await userEvent.click(screen.getByLabelText('Query type'));
    await userEvent.click(screen.getByText('Quality'));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'quality', version: 1, project: 'demo' });
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('switching between session queries keeps the session id', async () => {
    const { onChange } = setup(mockQuery({ queryType: 'events', sessionId: 's-1', textFilter: '+connect' }));
    expect(screen.getByTestId(testIds.queryEditor.textFilter)).toHaveValue('+connect');
    await userEvent.click(screen.getByLabelText('Query type'));
    await userEvent.click(screen.getByText('Summary'));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'A', queryType: 'summary', version: 1, sessionId: 's-1' });
  });

  it('quality without a session id explains what is missing', () => {
    setup(mockQuery({ queryType: 'quality' }));
    expect(screen.getByTestId(testIds.queryEditor.problem)).toHaveTextContent(/Enter a session id/);
    expect(screen.getByTestId(testIds.queryEditor.sessionId)).toBeInTheDocument();
    expect(screen.getByText('Metrics')).toBeInTheDocument();
  });

  it('typing a session id updates the query and blurring runs it', async () => {
    const { onChange, onRunQuery } = setup(mockQuery({ queryType: 'quality' }));
    const input = screen.getByTestId(testIds.queryEditor.sessionId);
    await userEvent.type(input, 'x');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ sessionId: 'x', queryType: 'quality' }));
    await userEvent.tab();
    expect(onRunQuery).toHaveBeenCalledTimes(1);
  });

  it('role and media buttons set and clear the filter', async () => {
    const { onChange } = setup(mockQuery({ queryType: 'quality', sessionId: 's', role: 'publisher' }));
    await userEvent.click(screen.getByLabelText('Subscribers'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ role: 'subscriber' }));
    await userEvent.click(screen.getAllByLabelText('Both')[0]);
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ role: undefined }));
    await userEvent.click(screen.getByLabelText('Video'));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ media: 'video' }));
  });

  it('the errors switch and limit set numbers and booleans, not strings', async () => {
    const { onChange } = setup(mockQuery());
    await userEvent.click(screen.getByTestId(testIds.queryEditor.hasErrors));
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ hasErrors: true }));
    await userEvent.type(screen.getByTestId(testIds.queryEditor.limit), '7');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ limit: 7 }));
  });
});
