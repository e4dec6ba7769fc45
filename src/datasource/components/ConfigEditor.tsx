import React from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, Text } from '@grafana/ui';
import { testIds } from '../testIds';
import { VonageSettings } from './VonageSettings';
import { ConnectionFields } from './ConnectionFields';
import type { SessionDataSourceOptions, SessionSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<SessionDataSourceOptions, SessionSecureJsonData>;

/** Why the URL is not usable, or undefined when it is. */
export function urlProblem(url: string | undefined): string | undefined {
  if (!url) {
    return 'The collector URL is required';
  }
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'Use an http:// or https:// URL';
  } catch {
    return 'Not a valid URL';
  }
}

/** Why the timeout is not usable, or undefined when it is (empty means the default). */
export function timeoutProblem(seconds: number | undefined): string | undefined {
  if (seconds === undefined) {
    return undefined;
  }
  return Number.isInteger(seconds) && seconds >= 1 && seconds <= 600
    ? undefined
    : 'The timeout must be a whole number of seconds from 1 to 600';
}

/**
 * Collector URL, read token (kept in secureJsonData) and timeout, which "Save & test" checks;
 * and the Vonage callback URL to paste into Vonage's dashboard.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const secure = options.secureJsonData ?? {};
  const problem = urlProblem(jsonData.collectorUrl);
  const timeoutError = timeoutProblem(jsonData.timeoutSeconds);
  const setJson = (patch: Partial<SessionDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });

  return (
    <>
      <FieldSet label="Collector">
        <Text color="secondary" element="p">
          Save &amp; test asks the collector for its health with the read token: it reports the collector&apos;s
          version, the projects the token grants and how fresh the newest data is.
        </Text>
        <Field
          label="Collector URL"
          description="Where the Session Inspector collector listens, as seen from the Grafana server"
          invalid={Boolean(jsonData.collectorUrl) && problem !== undefined}
          error={problem}
          required
        >
          <Input
            data-testid={testIds.configEditor.collectorUrl}
            width={48}
            value={jsonData.collectorUrl ?? ''}
            placeholder="http://localhost:8600"
            onChange={(e) => setJson({ collectorUrl: e.currentTarget.value.trim() })}
          />
        </Field>
        <Field
          label="Read token"
          description="A collector read token; it grants the projects this data source can see"
          required
        >
          <SecretInput
            data-testid={testIds.configEditor.readToken}
            width={48}
            isConfigured={Boolean(secureJsonFields?.readToken)}
            value={secure.readToken ?? ''}
            placeholder="read token"
            onChange={(e) =>
              onOptionsChange({ ...options, secureJsonData: { ...secure, readToken: e.currentTarget.value } })
            }
            onReset={() =>
              onOptionsChange({
                ...options,
                secureJsonFields: { ...secureJsonFields, readToken: false },
                secureJsonData: { ...secure, readToken: '' },
              })
            }
          />
        </Field>
        <Field
          label="Timeout (seconds)"
          description="How long a query may wait for the collector (default 30)"
          invalid={timeoutError !== undefined}
          error={timeoutError}
        >
          <Input
            data-testid={testIds.configEditor.timeout}
            type="number"
            min={1}
            width={12}
            value={jsonData.timeoutSeconds ?? ''}
            placeholder="30"
            onChange={(e) =>
              setJson({ timeoutSeconds: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })
            }
          />
        </Field>
      </FieldSet>
      <VonageSettings jsonData={jsonData} onChange={setJson} />
      <ConnectionFields options={options} onOptionsChange={onOptionsChange} />
    </>
  );
}
