import { FAILURE_ACTIONS, isErrorEvent, type DataFrameJSON } from '@model';
import { frame } from '../frames/frame';
import { userIdLinks } from '../frames/links';
import { statsOf } from '../model/sessionStats';
import type { QueryContext } from './context';
import { scopedSession } from './shared/scope';

/** I5: every error (failures and exceptions) in time order. */
export async function errorsQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const { events } = await scopedSession(ctx);
  const errors = events.filter(isErrorEvent);
  return [
    frame(
      [
        { name: 'time', kind: 'time', values: errors.map((e) => e.ts) },
        { name: 'userId', kind: 'string', values: errors.map((e) => e.clientId), config: userIdLinks(ctx) },
        { name: 'connectionId', kind: 'nullableString', values: errors.map((e) => e.connectionId) },
        { name: 'action', kind: 'string', values: errors.map((e) => e.action) },
        { name: 'code', kind: 'nullableString', values: errors.map((e) => e.code) },
        { name: 'message', kind: 'nullableString', values: errors.map((e) => e.message) },
        { name: 'meetingId', kind: 'string', values: errors.map((e) => e.meetingId) },
      ],
      { name: 'errors', refId: ctx.refId }
    ),
  ];
}

/** I5: failure rate = failures / attempts, for connect, publish and subscribe. */
export async function failureRatesQuery(ctx: QueryContext): Promise<DataFrameJSON[]> {
  const { events } = await scopedSession(ctx);
  const s = statsOf(events);
  return [
    frame(
      [
        { name: 'action', kind: 'string', values: [...FAILURE_ACTIONS] },
        { name: 'attempts', kind: 'number', values: FAILURE_ACTIONS.map((a) => s.actions[a].attempts) },
        { name: 'successes', kind: 'number', values: FAILURE_ACTIONS.map((a) => s.actions[a].successes) },
        { name: 'failures', kind: 'number', values: FAILURE_ACTIONS.map((a) => s.actions[a].failures) },
        {
          name: 'failureRate',
          kind: 'number',
          values: FAILURE_ACTIONS.map((a) => s.actions[a].failureRate),
          config: { unit: 'percentunit' },
        },
      ],
      { name: 'failureRates', refId: ctx.refId }
    ),
  ];
}
