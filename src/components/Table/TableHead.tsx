import React from 'react';

/** A header row; a column given as `{ hidden }` is named for screen readers only. */
export type Column = string | { label: string; hidden: true };

export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) =>
          typeof c === 'string' ? (
            <th key={c} scope="col">
              {c}
            </th>
          ) : (
            <th key={c.label} scope="col">
              <span className="sr-only">{c.label}</span>
            </th>
          )
        )}
      </tr>
    </thead>
  );
}
