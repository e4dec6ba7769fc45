import type { FastifyInstance } from 'fastify';
import { Limits, REST } from '@model';
import { CollectorError, invalidBody, invalidField } from '../errors';
import { saveSession } from '../store/savedSessions';
import { alertProjects, authenticate, type Principal } from './auth';
import type { AppDeps } from './appDeps';

/** Labels that name what the alert is about rather than describe it: never tags. */
const IDENTITY_LABELS = new Set(['project', 'session', 'stream', 'user', 'alertname', 'grafana_folder']);
/** Labels that make the best tags, first; the others follow by name. */
const PREFERRED_LABELS = ['severity'];
const MAX_NAME = 200;
const MAX_TAG = 50;
const SAVED_BY = 'Grafana alert';

export interface AlertSaveReport {
  saved: Array<{ project: string; sessionId: string; name: string; tags: string[] }>;
  /** Already saved (by a user or an earlier notification): left as it was. */
  alreadySaved: Array<{ project: string; sessionId: string }>;
  skipped: Array<{ alert: number; reason: string }>;
}

interface FiringAlert {
  status: string;
  labels: Map<string, string>;
}

/** The alerts of Grafana's webhook contact-point payload, checked field by field. */
function readAlerts(body: unknown): FiringAlert[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidBody("body must be Grafana's webhook payload: a JSON object with an 'alerts' array");
  }
  const alerts = Object.hasOwn(body, 'alerts') ? (body as { alerts: unknown }).alerts : undefined;
  if (!Array.isArray(alerts)) {
    throw invalidField('alerts', "alerts must be an array (Grafana's webhook payload)");
  }
  return alerts.map((a: unknown, i) => {
    if (typeof a !== 'object' || a === null || Array.isArray(a)) {
      throw invalidField(`alerts[${i}]`, `alerts[${i}] must be an object`);
    }
    const status = Object.hasOwn(a, 'status') ? (a as { status: unknown }).status : undefined;
    const labels = Object.hasOwn(a, 'labels') ? (a as { labels: unknown }).labels : undefined;
    if (typeof status !== 'string') {
      throw invalidField(`alerts[${i}].status`, `alerts[${i}].status must be a string ("firing" or "resolved")`);
    }
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
      throw invalidField(`alerts[${i}].labels`, `alerts[${i}].labels must be an object of strings`);
    }
    const entries = Object.entries(labels);
    const bad = entries.find(([, v]) => typeof v !== 'string');
    if (bad) {
      throw invalidField(
        `alerts[${i}].labels.${bad[0].slice(0, 50)}`,
        `alerts[${i}].labels.${bad[0].slice(0, 50)} must be a string`
      );
    }
    return { status, labels: new Map(entries as Array<[string, string]>) };
  });
}

/** At most 3 tags `name:value` from the alert's descriptive labels, severity first. */
export function tagsFromLabels(labels: Map<string, string>): string[] {
  const names = [...labels.keys()]
    .filter((k) => !IDENTITY_LABELS.has(k) && !(k.startsWith('__') && k.endsWith('__')) && labels.get(k) !== '')
    .sort((a, b) => {
      const pa = PREFERRED_LABELS.indexOf(a);
      const pb = PREFERRED_LABELS.indexOf(b);
      return pa !== pb ? (pb < 0 ? -1 : pa < 0 ? 1 : pa - pb) : a.localeCompare(b);
    });
  return names.slice(0, Limits.tagsPerSavedSession).map((k) => `${k}:${labels.get(k)}`.slice(0, MAX_TAG));
}

function granted(projects: string[] | '*', project: string): boolean {
  return projects === '*' || projects.includes(project);
}

/**
 * B6 alert-driven saving: Grafana's webhook contact point posts its notification here, and
 * every firing alert that names a project and a session saves that session, named after the
 * rule (`alertname`) and tagged from its labels, so the evidence outlives raw-data retention.
 * A session already saved is left alone, so repeated notifications save it once. Answers 200
 * with what was saved, already saved and skipped (and why): Grafana retries only failures.
 */
export function registerAlertRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  app.post(REST.alertWebhook, async (req) => {
    const projects = alertProjects(authenticate(tokens, req));
    const alerts = readAlerts(req.body);
    const report: AlertSaveReport = { saved: [], alreadySaved: [], skipped: [] };
    const done = new Set<string>();
    for (const [i, alert] of alerts.entries()) {
      const project = alert.labels.get('project');
      const sessionId = alert.labels.get('session');
      if (i >= Limits.alertsPerNotification) {
        report.skipped.push({ alert: i, reason: `only the first ${Limits.alertsPerNotification} alerts are read` });
      } else if (alert.status !== 'firing') {
        report.skipped.push({ alert: i, reason: `status ${alert.status.slice(0, 20)}: only firing alerts save` });
      } else if (!project || !sessionId) {
        report.skipped.push({ alert: i, reason: 'no project and session labels: the rule is not about one session' });
      } else if (!granted(projects, project)) {
        report.skipped.push({ alert: i, reason: `project '${project.slice(0, 100)}' is not granted to this token` });
      } else if (!done.has(JSON.stringify([project, sessionId]))) {
        done.add(JSON.stringify([project, sessionId]));
        const name = (alert.labels.get('alertname') || 'Grafana alert').slice(0, MAX_NAME);
        const tags = tagsFromLabels(alert.labels);
        try {
          const { created } = await saveSession(deps.store, project, sessionId, { name, tags }, SAVED_BY, {
            keepExisting: true,
          });
          if (created) {
            report.saved.push({ project, sessionId, name, tags });
          } else {
            report.alreadySaved.push({ project, sessionId });
          }
        } catch (err) {
          // A session the store refuses (an id too long, text it cannot hold) is skipped, not fatal.
          if (!(err instanceof CollectorError) || err.status >= 500) {
            throw err;
          }
          report.skipped.push({ alert: i, reason: err.message });
        }
      }
    }
    return report;
  });
}
