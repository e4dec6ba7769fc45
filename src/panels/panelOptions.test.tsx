import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  PanelOptionsEditorBuilder,
  standardEditorsRegistry,
  type PanelPlugin,
  type StandardEditorsRegistryItem,
} from '@grafana/data';
import { plugin as eventLog } from './eventLog/module';
import { FilterOptionEditor } from './eventLog/FilterOptionEditor';
import type { EventLogOptions } from './eventLog/types';
import { plugin as sessionSearch } from './sessionSearch/module';
import { plugin as userDrilldown } from './userDrilldown/module';

beforeAll(() => {
  // Grafana registers its standard editors at boot; the option builders look them up by id.
  standardEditorsRegistry.setInit(() =>
    ['boolean', 'number', 'text', 'custom'].map(
      (id) => ({ id, name: id, editor: () => null }) as StandardEditorsRegistryItem
    )
  );
});

function optionPaths(plugin: PanelPlugin) {
  const builder = new PanelOptionsEditorBuilder();
  plugin.getPanelOptionsSupplier()(builder, { data: [] });
  return builder.getItems().map((i) => i.path);
}

describe('panel options', () => {
  it('session search: search box, errors-only and a row limit', () => {
    expect(optionPaths(sessionSearch as unknown as PanelPlugin)).toEqual(['showSearch', 'errorsOnly', 'maxRows']);
    expect(sessionSearch.defaults).toEqual({ showSearch: true, errorsOnly: false, maxRows: 100 });
  });

  it('user drilldown: expand all and the Inspector link', () => {
    expect(optionPaths(userDrilldown as unknown as PanelPlugin)).toEqual(['expandAll', 'showInspectorLink']);
    expect(userDrilldown.defaults).toEqual({ expandAll: false, showInspectorLink: true });
  });

  it('event log: the + / - filter is a custom editor, empty by default', () => {
    const builder = new PanelOptionsEditorBuilder<EventLogOptions>();
    eventLog.getPanelOptionsSupplier()(builder, { data: [] });
    const filter = builder.getItems().find((i) => i.path === 'filter');
    expect(filter?.editor).toBe(FilterOptionEditor);
    expect(eventLog.defaults).toEqual({ filter: '', showFilterBar: true, maxRows: 500 });
  });
});

describe('event log filter option editor', () => {
  function renderEditor(value: string, onChange: jest.Mock) {
    render(
      <FilterOptionEditor
        value={value}
        onChange={onChange}
        context={{ data: [] }}
        item={{ id: 'filter', name: 'Text filter' }}
      />
    );
  }

  it('stacks a dropped term onto the saved filter', async () => {
    const onChange = jest.fn();
    renderEditor('+connect', onChange);
    await userEvent.type(screen.getByLabelText('Event filter term'), 'attempt');
    await userEvent.click(screen.getByRole('button', { name: 'Drop events with this term' }));
    expect(onChange).toHaveBeenCalledWith('+connect -attempt');
  });

  it('keeps a term on Enter and removes one from its chip', async () => {
    const onChange = jest.fn();
    renderEditor('+connect -attempt', onChange);
    await userEvent.type(screen.getByLabelText('Event filter term'), 'publish{Enter}');
    expect(onChange).toHaveBeenLastCalledWith('+connect -attempt +publish');
    await userEvent.click(screen.getByLabelText('Remove filter +connect'));
    expect(onChange).toHaveBeenLastCalledWith('-attempt');
  });
});
