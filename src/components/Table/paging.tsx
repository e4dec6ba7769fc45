import React, { useState } from 'react';
import { Pagination } from '@grafana/ui';

/** Rows per page of a long table: a large session has hundreds of errors and issues. */
export const ROWS_PER_PAGE = 25;

export interface Paged<T> {
  shown: T[];
  current: number;
  pages: number;
  setPage: (page: number) => void;
  /** ", 26 to 50 shown" when there is more than one page, else empty: for the table's caption. */
  range: string;
}

/** One page of `rows` at a time; the page stays in range when the rows shrink. */
export function usePaged<T>(rows: T[], perPage = ROWS_PER_PAGE): Paged<T> {
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(rows.length / perPage));
  const current = Math.min(page, pages);
  const shown = rows.slice((current - 1) * perPage, current * perPage);
  const first = (current - 1) * perPage + 1;
  const range = pages > 1 ? `, ${first} to ${first + shown.length - 1} shown` : '';
  return { shown, current, pages, setPage, range };
}

/** Grafana's pager under a paged table, only when there is more than one page. */
export function Pager<T>({ paged, testId }: { paged: Paged<T>; testId: string }) {
  if (paged.pages <= 1) {
    return null;
  }
  return (
    <div data-testid={testId}>
      <Pagination currentPage={paged.current} numberOfPages={paged.pages} onNavigate={paged.setPage} />
    </div>
  );
}
