export interface UserDrilldownOptions {
  /** Open every user's connections at first. */
  expandAll: boolean;
  /** A link to the session in the Inspector, when the query names one session. */
  showInspectorLink: boolean;
}
