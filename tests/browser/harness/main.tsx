// The browser-test harness page: the app's real pages and panels, the real @grafana/ui theme,
// and @grafana/runtime's services wired to the harness server (which plays Grafana's HTTP API
// in front of a real collector, as the Go backend does).
import React, { Suspense, useLayoutEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { NavigationType, Route, Router, Routes } from 'react-router-dom';
import {
  createTheme,
  standardEditorsRegistry,
  ThemeContext,
  type AppRootProps,
  type DataSourceApi,
} from '@grafana/data';
import {
  config,
  locationService,
  setBackendSrv,
  setDataSourceSrv,
  setTemplateSrv,
  type DataSourceSrv,
  type TemplateSrv,
} from '@grafana/runtime';
import { GlobalStyles, LoadingPlaceholder } from '@grafana/ui';
import App from '../../../src/components/App/App';
import AppConfig, { type AppConfigProps } from '../../../src/components/AppConfig/AppConfig';
import { SessionDataSource } from '../../../src/datasource/datasource';
import { mockInstanceSettings } from '../../../src/test/mocks';
import { harnessBackendSrv } from './backendSrv';
import { PanelHost } from './PanelHost';

export const THEME_STORAGE_KEY = 'harness.theme';

const settings = mockInstanceSettings({ isDefault: true, jsonData: { collectorUrl: 'harness' } });

const templateSrv = {
  getVariables: () => [],
  replace: (target?: string) => target ?? '',
  containsTemplate: () => false,
  updateTimeRange: () => undefined,
} as unknown as TemplateSrv;

// Grafana registers its standard option editors at boot; panel option builders look them up.
standardEditorsRegistry.setInit(() =>
  ['boolean', 'number', 'text', 'custom'].map((id) => ({ id, name: id, editor: () => null }))
);
setBackendSrv(harnessBackendSrv());
setTemplateSrv(templateSrv);
const ds = new SessionDataSource(settings, templateSrv);
const dataSourceSrv: Partial<DataSourceSrv> = {
  getList: () => [settings],
  get: async () => ds as unknown as DataSourceApi,
  getInstanceSettings: () => settings,
  reload: async () => undefined,
};
setDataSourceSrv(dataSourceSrv as DataSourceSrv);
config.bootData.user.login = 'harness';

/** react-router over locationService's history (v4 API), as Grafana itself routes app pages. */
function LocationServiceRouter({ children }: { children: React.ReactNode }) {
  const history = locationService.getHistory();
  const [location, setLocation] = useState(history.location);
  useLayoutEffect(() => history.listen((l: typeof history.location) => setLocation(l)), [history]);
  return (
    <Router location={location} navigator={history} navigationType={NavigationType.Pop}>
      {children}
    </Router>
  );
}

const mode = localStorage.getItem(THEME_STORAGE_KEY) === 'light' ? 'light' : 'dark';
const theme = createTheme({ colors: { mode } });
const appProps = {
  meta: { id: 'rtc-sessioninspector-app' },
  basename: '/a/rtc-sessioninspector-app',
  path: '/a/rtc-sessioninspector-app',
  query: {},
} as unknown as AppRootProps;

createRoot(document.getElementById('root')!).render(
  <ThemeContext.Provider value={theme}>
    <GlobalStyles />
    <main style={{ padding: 16 }}>
      <LocationServiceRouter>
        <Suspense fallback={<LoadingPlaceholder text="Loading..." />}>
          <Routes>
            <Route path="/a/rtc-sessioninspector-app/*" element={<App {...appProps} />} />
            <Route path="/harness/panel/:panel" element={<PanelHost ds={ds} />} />
            {/* Grafana shows an app's configuration page at /plugins/<id>. */}
            <Route
              path="/plugins/rtc-sessioninspector-app"
              element={<AppConfig {...({ plugin: { meta: appProps.meta } } as unknown as AppConfigProps)} />}
            />
          </Routes>
        </Suspense>
      </LocationServiceRouter>
    </main>
  </ThemeContext.Provider>
);
