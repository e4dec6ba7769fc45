import { PanelPlugin } from '@grafana/data';
import { SessionSearchPanel } from './SessionSearchPanel';
import type { SessionSearchOptions } from './types';

export const plugin = new PanelPlugin<SessionSearchOptions>(SessionSearchPanel).setPanelOptions((builder) =>
  builder
    .addBooleanSwitch({
      path: 'showSearch',
      name: 'Search box',
      description: 'Filter the rows by full or partial session id',
      defaultValue: true,
    })
    .addBooleanSwitch({ path: 'errorsOnly', name: 'Sessions with errors only', defaultValue: false })
    .addNumberInput({
      path: 'maxRows',
      name: 'Rows',
      description: 'At most this many sessions',
      defaultValue: 100,
      settings: { min: 1, max: 1000, integer: true },
    })
);
