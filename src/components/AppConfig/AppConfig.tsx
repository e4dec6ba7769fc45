import React from 'react';
import type { AppPluginMeta, PluginConfigPageProps } from '@grafana/data';
import { Alert, LinkButton, Stack, Text } from '@grafana/ui';
import { testIds } from '../testIds';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<{}>> {}

/** The app has no settings of its own: the collector connection lives in the data source. */
const AppConfig = (_props: AppConfigProps) => (
  <Stack direction="column" gap={2} data-testid={testIds.appConfig.container}>
    <Text element="p">
      Session Inspector reads its data through the Session Telemetry data source. Configure the collector URL and read
      token there, then use &quot;Save &amp; test&quot; to check the connection.
    </Text>
    <Alert severity="info" title="Provisioned stacks">
      The Docker Compose stack provisions the data source with the demo collector and token.
    </Alert>
    <div>
      <LinkButton href="/connections/datasources/new" icon="database" variant="secondary">
        Add a Session Telemetry data source
      </LinkButton>
    </div>
  </Stack>
);

export default AppConfig;
