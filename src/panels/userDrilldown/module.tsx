import { PanelPlugin } from '@grafana/data';
import type { UserDrilldownOptions } from './types';
import { UserDrilldownPanel } from './UserDrilldownPanel';

export const plugin = new PanelPlugin<UserDrilldownOptions>(UserDrilldownPanel).setPanelOptions((builder) =>
  builder
    .addBooleanSwitch({
      path: 'expandAll',
      name: 'Expand every user',
      description: 'Show connections, streams and subscribers at once',
      defaultValue: false,
    })
    .addBooleanSwitch({ path: 'showInspectorLink', name: 'Link to the Inspector', defaultValue: true })
);
