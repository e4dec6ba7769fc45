import React, { useState } from 'react';
import { Pagination, useStyles2 } from '@grafana/ui';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { getTableStyles } from '../../components/Table/tableStyles';
import { testIds } from '../../components/testIds';
import { frameNamed, frameRows, num, str } from '../../dataAccess/frames';
import { formatPercent, formatTime } from '../../components/format';
import { useQueries } from '../../dataAccess/useQueries';
import { scopedQuery, type InspectorScope } from './scope';
import { TableHead } from '../../components/Table/TableHead';

/** Errors per page: a large session has hundreds, and the page must stay readable. */
const ERRORS_PER_PAGE = 25;

/** I5: failure rate of connect, publish and subscribe, then every error, a page at a time. */
export function ErrorsModule({ scope }: { scope: InspectorScope }) {
  const t = useStyles2(getTableStyles);
  const [page, setPage] = useState(1);
  const targets = [scopedQuery(scope, 'failureRates', 'failureRates'), scopedQuery(scope, 'errors', 'errors')];
  const states = useQueries(scope.ds, targets, scope.range);
  return (
    <>
      <ModuleBody
        state={states.failureRates}
        title="Failure rates"
        empty="No connect, publish or subscribe attempt in this range."
      >
        {(frames) => (
          <table className={t.table} data-testid={testIds.inspector.failureRates}>
            <caption>Failure rates (failures / attempts)</caption>
            <TableHead columns={['Action', 'Attempts', 'Successes', 'Failures', 'Failure rate']} />
            <tbody>
              {frameRows(frameNamed(frames, 'failureRates')).map((r) => (
                <tr
                  key={str(r.action)}
                  data-failed={num(r.failures) > 0 || undefined}
                  className={num(r.failures) > 0 ? t.failed : undefined}
                >
                  <td>{str(r.action)}</td>
                  <td>{num(r.attempts)}</td>
                  <td>{num(r.successes)}</td>
                  <td>{num(r.failures)}</td>
                  <td>{num(r.attempts) > 0 ? formatPercent(num(r.failureRate)) : 'no attempt'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ModuleBody>
      <ModuleBody state={states.errors} title="Errors" empty="No error in this range.">
        {(frames) => {
          const errors = frameRows(frameNamed(frames, 'errors'));
          const pages = Math.max(1, Math.ceil(errors.length / ERRORS_PER_PAGE));
          const current = Math.min(page, pages);
          const shown = errors.slice((current - 1) * ERRORS_PER_PAGE, current * ERRORS_PER_PAGE);
          return (
            <div className={t.scroll}>
              <table className={t.table} data-testid={testIds.inspector.errors}>
                <caption>
                  Error log: {errors.length} error{errors.length === 1 ? '' : 's'}
                  {pages > 1
                    ? `, ${(current - 1) * ERRORS_PER_PAGE + 1} to ${(current - 1) * ERRORS_PER_PAGE + shown.length} shown`
                    : ''}
                </caption>
                <TableHead columns={['Time', 'User', 'Connection', 'Action', 'Code', 'Message']} />
                <tbody>
                  {shown.map((e, i) => (
                    <tr key={i}>
                      <td>{formatTime(num(e.time))}</td>
                      <td className={t.mono}>{str(e.userId)}</td>
                      <td className={t.mono}>{str(e.connectionId)}</td>
                      <td>{str(e.action)}</td>
                      <td>{str(e.code)}</td>
                      <td>{str(e.message)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {pages > 1 && (
                <div data-testid={testIds.inspector.errorsPage}>
                  <Pagination currentPage={current} numberOfPages={pages} onNavigate={setPage} />
                </div>
              )}
            </div>
          );
        }}
      </ModuleBody>
    </>
  );
}
