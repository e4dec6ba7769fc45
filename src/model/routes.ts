/**
 * Where Grafana users land from a data link or an alert: the app's Inspector page and the
 * provisioned dashboards. The collector builds links from these, the dashboards and alert
 * rules in `dashboards/` and `provisioning/` use the same values, and tests check both.
 */
export const APP_PLUGIN_ID = 'rtc-sessioninspector-app';

/** The Inspector page of one session: `${INSPECTOR_PATH}/<sessionId>?project=&meeting=&user=&from=&to=`. */
export const INSPECTOR_PATH = `/a/${APP_PLUGIN_ID}/sessions`;

/** Query parameters the Inspector page reads. */
export const INSPECTOR_PARAMS = ['project', 'meeting', 'user', 'from', 'to'] as const;
export type InspectorParam = (typeof INSPECTOR_PARAMS)[number];

/** Uids of the provisioned team dashboards (dashboards/*.json). */
export const DashboardUid = {
  fleet: 'si-fleet-overview',
  session: 'si-session-drilldown',
  largeSession: 'si-large-session',
  failures: 'si-failures',
} as const;

/**
 * The "All" value of the dashboards' meeting, user and stream variables: the data source
 * drops a field holding it, which means "no narrowing" to every query type.
 */
export const ALL_VARIABLE_VALUE = '*';
