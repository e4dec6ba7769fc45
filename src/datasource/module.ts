import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { SessionDataSource } from './datasource';
import type { SessionDataSourceOptions, SessionQuery, SessionSecureJsonData } from './types';

export const plugin = new DataSourcePlugin<
  SessionDataSource,
  SessionQuery,
  SessionDataSourceOptions,
  SessionSecureJsonData
>(SessionDataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
