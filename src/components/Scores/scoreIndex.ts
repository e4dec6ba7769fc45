import type { DataFrame } from '@grafana/data';
import type { ScoreBand } from '../../model';
import { frameNamed, frameRows, num, str } from '../../dataAccess/frames';

export interface Score {
  score: number;
  band: ScoreBand;
  /** "loss 8.4 % for 3 min; ..." */
  reasons: string;
}

export interface MediaScores {
  audio?: Score;
  video?: Score;
}

/** A scores answer (B1) looked up by user, by published stream, and by subscription. */
export interface ScoreIndex {
  user: (userId: string) => MediaScores;
  sent: (streamId: string) => MediaScores;
  received: (subscriberId: string) => MediaScores;
}

const band = (v: unknown): ScoreBand => (v === 'poor' || v === 'fair' ? v : 'good');

export function scoreIndex(frames: DataFrame[]): ScoreIndex {
  const users = new Map<string, MediaScores>();
  for (const r of frameRows(frameNamed(frames, 'userScores'))) {
    const m: MediaScores = {};
    if (r.audioMos !== null && r.audioMos !== undefined) {
      m.audio = { score: num(r.audioMos), band: band(r.audioBand), reasons: '' };
    }
    if (r.videoScore !== null && r.videoScore !== undefined) {
      m.video = { score: num(r.videoScore), band: band(r.videoBand), reasons: '' };
    }
    users.set(str(r.userId), m);
  }
  const sent = new Map<string, MediaScores>();
  const received = new Map<string, MediaScores>();
  for (const r of frameRows(frameNamed(frames, 'scores'))) {
    const into = r.role === 'publisher' ? sent : received;
    const key = r.role === 'publisher' ? str(r.streamId) : str(r.subscriberId);
    const m = into.get(key) ?? {};
    m[r.media === 'audio' ? 'audio' : 'video'] = { score: num(r.score), band: band(r.band), reasons: str(r.reasons) };
    into.set(key, m);
  }
  return {
    user: (id) => users.get(id) ?? {},
    sent: (id) => sent.get(id) ?? {},
    received: (id) => received.get(id) ?? {},
  };
}
