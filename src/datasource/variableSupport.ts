import type { Observable } from 'rxjs';
import { CustomVariableSupport, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { QUERY_MODEL_VERSION, QueryType } from '../model';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { SessionQuery, ValueSource } from './types';

/**
 * G2: template variables listing projects, sessions, meetings, users and streams. Chaining comes
 * from the query's own fields: `sessionId: $session` lists the meetings of the chosen session.
 * The collector answers `text` / `value` frames, which Grafana turns into the variable's options.
 */
export class SessionVariableSupport extends CustomVariableSupport<ValueSource, SessionQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: ValueSource) {
    super();
  }

  query(request: DataQueryRequest<SessionQuery>): Observable<DataQueryResponse> {
    const targets = request.targets.map((t) => ({
      ...t,
      queryType: QueryType.Variables,
      version: t.version ?? QUERY_MODEL_VERSION,
    }));
    return this.datasource.query({ ...request, targets });
  }
}
