import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Input, Stack, Tag, useStyles2 } from '@grafana/ui';
import { addTerm, removeTerm, type FilterTerm } from '../../model';
import { testIds } from '../testIds';

const SIGN_BUTTONS = [
  { sign: '+', icon: 'plus', label: 'Keep', aria: 'Keep events with this term' },
  { sign: '-', icon: 'minus', label: 'Drop', aria: 'Drop events with this term' },
] as const;

interface Props {
  terms: FilterTerm[];
  onChange: (terms: FilterTerm[]) => void;
}

/** Stacked + / - text filter: type a term, Enter (or +) keeps it, - drops it; click a chip to remove it. */
export function FilterTerms({ terms, onChange }: Props) {
  const s = useStyles2(getStyles);
  const [typed, setTyped] = useState('');
  const add = (sign: '+' | '-') => {
    if (typed.trim()) {
      onChange(addTerm(terms, typed, sign));
      setTyped('');
    }
  };
  return (
    <Stack direction="column" gap={1}>
      <Stack gap={1} alignItems="center">
        <Input
          data-testid={testIds.inspector.filterInput}
          aria-label="Event filter term"
          placeholder="+connect -attempt"
          width={32}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              add('+');
            }
          }}
        />
        {SIGN_BUTTONS.map((b) => (
          <Button
            key={b.sign}
            size="sm"
            variant="secondary"
            icon={b.icon}
            onClick={() => add(b.sign)}
            aria-label={b.aria}
          >
            {b.label}
          </Button>
        ))}
      </Stack>
      {terms.length > 0 && (
        <ul className={s.terms} aria-label="Active filter terms">
          {terms.map((t, i) => (
            <li key={`${t.sign}${t.term}`} data-testid={testIds.inspector.filterTerm}>
              <Tag
                name={`${t.sign}${t.term} ×`}
                colorIndex={t.sign === '+' ? 5 : 1}
                aria-label={`Remove filter ${t.sign}${t.term}`}
                onClick={() => onChange(removeTerm(terms, i))}
              />
            </li>
          ))}
        </ul>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  terms: css({ display: 'flex', gap: theme.spacing(0.5), listStyle: 'none', margin: 0, padding: 0, flexWrap: 'wrap' }),
});
