import type { DataFrame } from '@grafana/data';
import type { Marker } from '../../components/TimeChart/TimeChart';
import { frameRows, num, str } from '../../dataAccess/frames';

/** A user's rating or an app's mark (U1), as the Inspector shows it on the quality timeline. */
export interface TimelineMark extends Marker {
  kind: 'rating' | 'mark';
  user: string;
  /** The rating's comment or the mark's name. */
  text: string;
}

/** Ratings at or below this are drawn as bad. */
const LOW_RATING = 2;

/**
 * Ratings and marks from the `events` frames of two queries (`+rating` and `+mark`): the text filter
 * matches word starts in ids too, so only the events named Rating and Mark are kept.
 */
export function timelineMarks(
  frames: DataFrame[],
  colors: { good: string; bad: string; mark: string }
): TimelineMark[] {
  const marks: TimelineMark[] = [];
  for (const row of frames.filter((f) => f.name === 'events').flatMap(frameRows)) {
    const event = str(row.event);
    const time = num(row.time);
    const user = str(row.userId);
    if (event === 'Rating') {
      const score = Number(str(row.reason).split('/')[0]);
      marks.push({
        kind: 'rating',
        time,
        user,
        label: `rated ${str(row.reason)}`,
        text: str(row.message),
        color: score <= LOW_RATING ? colors.bad : colors.good,
      });
    } else if (event === 'Mark') {
      marks.push({ kind: 'mark', time, user, label: str(row.reason), text: str(row.reason), color: colors.mark });
    }
  }
  return marks.sort((a, b) => a.time - b.time);
}
