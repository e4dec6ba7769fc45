import { PanelPlugin } from '@grafana/data';
import { EventLogPanel } from './EventLogPanel';
import { FilterOptionEditor } from './FilterOptionEditor';
import type { EventLogOptions } from './types';

export const plugin = new PanelPlugin<EventLogOptions>(EventLogPanel).setPanelOptions((builder) =>
  builder
    .addCustomEditor({
      id: 'filter',
      path: 'filter',
      name: 'Text filter',
      description: '+term keeps events that have it, -term drops them; terms stack',
      editor: FilterOptionEditor,
      defaultValue: '',
    })
    .addBooleanSwitch({
      path: 'showFilterBar',
      name: 'Viewer filter bar',
      description: 'Viewers can stack more terms',
      defaultValue: true,
    })
    .addNumberInput({
      path: 'maxRows',
      name: 'Rows',
      description: 'At most this many events',
      defaultValue: 500,
      settings: { min: 1, max: 5000, integer: true },
    })
);
