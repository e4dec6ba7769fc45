import React from 'react';
import { ClipboardButton, Field, FieldSet, Input, Stack, Text } from '@grafana/ui';
import { REST } from '../../model';
import { testIds } from '../testIds';
import type { SessionDataSourceOptions } from '../types';

/**
 * The URL to paste into Vonage's session monitoring (and SIP call monitoring) settings: the
 * collector as Vonage reaches it, with the project's callback secret left for the user to fill
 * in. The secret lives in the collector's VONAGE_PROJECTS, never in Grafana.
 */
export function vonageCallbackUrl(base: string | undefined): string | undefined {
  if (!base) {
    return undefined;
  }
  return `${base.replace(/\/+$/, '')}${REST.vonageCallbacks}?secret=<callback secret>`;
}

interface Props {
  jsonData: SessionDataSourceOptions;
  onChange: (patch: Partial<SessionDataSourceOptions>) => void;
}

/** Vonage Video: the callback URL to paste into Vonage's dashboard, and where the secrets go. */
export function VonageSettings({ jsonData, onChange }: Props) {
  const url = vonageCallbackUrl(jsonData.vonagePublicUrl || jsonData.collectorUrl);
  return (
    <FieldSet label="Vonage Video (optional)">
      <Text color="secondary" element="p">
        Vonage sends its session monitoring callbacks to the collector, and the collector reads its Video Insights API.
        Their secrets (callback secret, signature secret, project secret) are set in the collector&apos;s
        VONAGE_PROJECTS, never here. The step by step is docs/vonage.md in the Session Inspector repository.
      </Text>
      <Field
        label="Collector URL for Vonage"
        description="The collector as Vonage's servers reach it (public https), if not the URL above"
      >
        <Input
          data-testid={testIds.configEditor.vonagePublicUrl}
          width={48}
          value={jsonData.vonagePublicUrl ?? ''}
          placeholder="https://collector.example.com"
          onChange={(e) => onChange({ vonagePublicUrl: e.currentTarget.value.trim() || undefined })}
        />
      </Field>
      <Field
        label="Callback URL"
        description="Paste it into Session Monitoring (and SIP call monitoring) in the Vonage Video API account, with the project's callback secret in place of <callback secret>"
      >
        <Stack direction="row" alignItems="center">
          <code data-testid={testIds.configEditor.vonageCallbackUrl}>{url ?? 'set the collector URL first'}</code>
          {url && (
            <ClipboardButton icon="copy" variant="secondary" size="sm" getText={() => url}>
              Copy
            </ClipboardButton>
          )}
        </Stack>
      </Field>
    </FieldSet>
  );
}
