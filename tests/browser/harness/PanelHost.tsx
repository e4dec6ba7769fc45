import React, { useEffect, useState } from 'react';
import { useLocation, useParams } from 'react-router-dom';
import { dateTime, EventBusSrv, LoadingState, type PanelData, type PanelPlugin, type PanelProps } from '@grafana/data';
import type { SessionDataSource } from '../../../src/datasource/datasource';
import type { SessionQuery } from '../../../src/datasource/types';
import { plugin as eventLog } from '../../../src/panels/eventLog/module';
import { plugin as sessionSearch } from '../../../src/panels/sessionSearch/module';
import { plugin as userDrilldown } from '../../../src/panels/userDrilldown/module';
import { runQueries } from '../../../src/dataAccess/useQueries';

const PANELS: Record<string, PanelPlugin> = { sessionSearch, userDrilldown, eventLog } as unknown as Record<
  string,
  PanelPlugin
>;
const WIDTH = 1200;
const HEIGHT = 600;

/**
 * One of our panels as a dashboard shows it: its query runs through the data source, its
 * options are the plugin's defaults overridden by the URL's `options` (JSON).
 * `/harness/panel/<name>?query=<json>&options=<json>&from=<ms>&to=<ms>`
 */
export function PanelHost({ ds }: { ds: SessionDataSource }) {
  const { panel = '' } = useParams();
  const params = new URLSearchParams(useLocation().search);
  const plugin = PANELS[panel];
  const query = JSON.parse(params.get('query') ?? '{}') as Partial<SessionQuery>;
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  const timeRange = { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
  const target: SessionQuery = { refId: 'A', ...query };
  const [data, setData] = useState<PanelData>({ state: LoadingState.Loading, series: [], timeRange });
  const key = params.toString();

  useEffect(() => {
    runQueries(ds, [target], { from, to }, 500).then((res) =>
      setData({
        state: res.errors?.length ? LoadingState.Error : LoadingState.Done,
        series: res.data,
        errors: res.errors,
        timeRange,
        request: { targets: [target] } as PanelData['request'],
      })
    );
    // `key` is the whole URL query: panel, query and range.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  if (!plugin?.panel) {
    return <p>Unknown panel {panel}</p>;
  }
  const Panel = plugin.panel as React.ComponentType<PanelProps>;
  const options = { ...plugin.defaults, ...(JSON.parse(params.get('options') ?? '{}') as object) };
  return (
    <section aria-label={`${panel} panel`} style={{ width: WIDTH, height: HEIGHT }}>
      <Panel
        id={1}
        data={data}
        timeRange={timeRange}
        timeZone="browser"
        options={options}
        fieldConfig={{ defaults: {}, overrides: [] }}
        transparent={false}
        width={WIDTH}
        height={HEIGHT}
        renderCounter={0}
        title={panel}
        eventBus={new EventBusSrv()}
        onOptionsChange={() => undefined}
        onFieldConfigChange={() => undefined}
        replaceVariables={(s: string) => s}
        onChangeTimeRange={() => undefined}
      />
    </section>
  );
}
