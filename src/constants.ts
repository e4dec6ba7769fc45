import pluginJson from './plugin.json';

export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;
export const DATASOURCE_TYPE = 'rtc-sessiontelemetry-datasource';

export enum ROUTES {
  Sessions = 'sessions',
}
