export interface EventLogOptions {
  /** Stacked + / - terms applied to every viewer, e.g. `+connect -attempt`. */
  filter: string;
  /** Let viewers stack more terms while looking at the panel. */
  showFilterBar: boolean;
  maxRows: number;
}
