import React from 'react';
import type { DataSourcePluginOptionsEditorProps, DataSourceSettings } from '@grafana/data';
import { config } from '@grafana/runtime';
import { Field, FieldSet, SecureSocksProxySettings, Switch, TLSAuthSettings } from '@grafana/ui';
import { testIds } from '../testIds';
import type { SessionDataSourceOptions, SessionSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<SessionDataSourceOptions, SessionSecureJsonData>;

/** TLS flags Grafana keeps in jsonData; the Go backend's SDK HTTP client applies them. */
const TLS_SWITCHES = [
  { key: 'tlsAuthWithCACert', label: 'With CA certificate', description: 'Trust a private CA for an https collector' },
  { key: 'tlsAuth', label: 'Client certificate', description: 'Send a client certificate (mutual TLS)' },
  { key: 'tlsSkipVerify', label: 'Skip TLS verification', description: 'Accept any certificate (testing only)' },
] as const;

/**
 * How the backend reaches the collector: Grafana's own TLS settings (CA, client certificate and
 * key kept in secureJsonData) and, when the Grafana server enables it, the secure SOCKS proxy.
 */
export function ConnectionFields({ options, onOptionsChange }: Props) {
  const setJson = (patch: Partial<SessionDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...options.jsonData, ...patch } });
  return (
    <FieldSet label="Connection">
      {TLS_SWITCHES.map(({ key, label, description }) => (
        <Field key={key} label={label} description={description}>
          <Switch
            data-testid={testIds.configEditor[key]}
            value={Boolean(options.jsonData[key])}
            onChange={(e) => setJson({ [key]: e.currentTarget.checked })}
          />
        </Field>
      ))}
      {(options.jsonData.tlsAuth || options.jsonData.tlsAuthWithCACert) && (
        <TLSAuthSettings
          dataSourceConfig={options as DataSourceSettings}
          onChange={(next) => onOptionsChange(next as typeof options)}
        />
      )}
      {config.secureSocksDSProxyEnabled && (
        <SecureSocksProxySettings options={options} onOptionsChange={onOptionsChange} />
      )}
    </FieldSet>
  );
}
