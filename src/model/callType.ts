import { CallType } from './queryTypes';

/**
 * Call type from who took part (users that connected successfully) and who published
 * (users with at least one successful publish). Shared so the collector's derivation and the
 * simulator's ground truth cannot drift apart.
 *
 * - one-to-zero: at most one user.
 * - one-to-one: exactly two users.
 * - broadcast: three or more users, one or two of them publish, and the viewers (users who
 *   never publish) are at least five times as many as the publishers.
 * - multiparty: every other case of three or more users.
 */
export function classifyCallType(users: number, publishers: number): CallType {
  if (users <= 1) {
    return CallType.OneToZero;
  }
  if (users === 2) {
    return CallType.OneToOne;
  }
  const viewers = users - publishers;
  if (publishers >= 1 && publishers <= 2 && viewers >= 5 * publishers) {
    return CallType.Broadcast;
  }
  return CallType.Multiparty;
}
