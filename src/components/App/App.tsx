import React from 'react';
import { Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';

const SessionsPage = React.lazy(() => import('../../pages/Sessions/SessionsPage'));
const InspectorPage = React.lazy(() => import('../../pages/Inspector/InspectorPage'));

function App(_props: AppRootProps) {
  return (
    <Routes>
      <Route path={`${ROUTES.Sessions}/:sessionId`} element={<InspectorPage />} />
      <Route path={ROUTES.Sessions} element={<SessionsPage />} />
      <Route path="*" element={<SessionsPage />} />
    </Routes>
  );
}

export default App;
