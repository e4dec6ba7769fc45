export interface SessionSearchOptions {
  /** A search box over the rows (full or partial session id). */
  showSearch: boolean;
  /** Only sessions with errors. */
  errorsOnly: boolean;
  maxRows: number;
}
