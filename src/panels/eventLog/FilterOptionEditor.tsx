import React from 'react';
import type { StandardEditorProps } from '@grafana/data';
import { FilterTerms } from '../../components/EventLog/FilterTerms';
import { formatFilter, parseFilter } from '../../model';

/** The panel editor's + / - terms, stored as their text form (`+connect -attempt`). */
export function FilterOptionEditor({ value, onChange }: StandardEditorProps<string>) {
  return <FilterTerms terms={parseFilter(value)} onChange={(terms) => onChange(formatFilter(terms))} />;
}
