import { of } from 'rxjs';
import type { AnnotationEvent, AnnotationQuery, AnnotationSupport, DataFrame } from '@grafana/data';
import { QUERY_MODEL_VERSION, QueryType } from '../model';
import { migrateQuery } from './queryModel';
import type { SessionQuery } from './types';

function column(frame: DataFrame, name: string): unknown[] {
  return frame.fields.find((f) => f.name === name)?.values ?? [];
}

/**
 * Turns the collector's annotation frames (time, timeEnd, title, text, comma-separated tags)
 * into Grafana annotation events. No colour: Grafana paints every event of a layer with the
 * layer's iconColor (Scenes' postProcessQueryResult), so errors get a layer of their own
 * (`annotationKind`).
 */
export function toAnnotationEvents(frames: DataFrame[]): AnnotationEvent[] {
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    const [time, timeEnd, title, text, tags] = ['time', 'timeEnd', 'title', 'text', 'tags'].map((n) =>
      column(frame, n)
    );
    for (let i = 0; i < frame.length; i++) {
      const tagList = String(tags[i] ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean);
      events.push({
        time: Number(time[i]),
        timeEnd: timeEnd[i] === undefined ? undefined : Number(timeEnd[i]),
        title: String(title[i] ?? ''),
        text: String(text[i] ?? ''),
        tags: tagList,
      });
    }
  }
  return events;
}

/** Annotation query of a dashboard: saved before `target` existed, or with a target of another type. */
type StoredAnnotation = AnnotationQuery<SessionQuery> & { sessionId?: string; textFilter?: string };

/**
 * G3: events and errors of a session, or fleet-wide failures, as annotations. Grafana's standard
 * annotation editor shows the data source's query editor; the query always runs as `annotations`.
 */
export const annotationSupport: AnnotationSupport<SessionQuery, StoredAnnotation> = {
  getDefaultQuery: () => ({ queryType: QueryType.Annotations, version: QUERY_MODEL_VERSION }),
  prepareAnnotation(json: StoredAnnotation): StoredAnnotation {
    if (json.target) {
      return json;
    }
    // Annotations stored without a target kept the session and filter at the top level.
    const target: SessionQuery = { refId: 'Anno', queryType: QueryType.Annotations, version: QUERY_MODEL_VERSION };
    if (json.sessionId) {
      target.sessionId = json.sessionId;
    }
    if (json.textFilter) {
      target.textFilter = json.textFilter;
    }
    return { ...json, target };
  },
  prepareQuery(anno: StoredAnnotation): SessionQuery | undefined {
    if (!anno.target) {
      return undefined;
    }
    return migrateQuery({ ...anno.target, queryType: QueryType.Annotations, version: anno.target.version ?? 0 });
  },
  processEvents: (_anno, frames) => of(toAnnotationEvents(frames)),
};
