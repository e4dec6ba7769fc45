import React from 'react';
import { useStyles2 } from '@grafana/ui';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { getTableStyles } from '../../components/Table/tableStyles';
import { testIds } from '../../components/testIds';
import { frameNamed, frameRows, num, str, type Row } from '../../dataAccess/frames';
import { formatPercent, formatTime } from '../../components/format';
import { useQueries } from '../../dataAccess/useQueries';
import { scopedQuery, type InspectorScope } from './scope';
import { TableHead } from '../../components/Table/TableHead';
import { Pager, usePaged } from '../../components/Table/paging';

/** I5: failure rate of connect, publish and subscribe, then every error, a page at a time. */
export function ErrorsModule({ scope }: { scope: InspectorScope }) {
  const t = useStyles2(getTableStyles);
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
        {(frames) => <ErrorLog errors={frameRows(frameNamed(frames, 'errors'))} />}
      </ModuleBody>
    </>
  );
}

/** Every error, a page at a time. */
function ErrorLog({ errors }: { errors: Row[] }) {
  const t = useStyles2(getTableStyles);
  const paged = usePaged(errors);
  return (
    <div className={t.scroll}>
      <table className={t.table} data-testid={testIds.inspector.errors}>
        <caption>
          Error log: {errors.length} error{errors.length === 1 ? '' : 's'}
          {paged.range}
        </caption>
        <TableHead columns={['Time', 'User', 'Connection', 'Action', 'Code', 'Message']} />
        <tbody>
          {paged.shown.map((e, i) => (
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
      <Pager paged={paged} testId={testIds.inspector.errorsPage} />
    </div>
  );
}
