import React from 'react';
import { Badge, type BadgeColor } from '@grafana/ui';
import type { ScoreBand } from '../../model';
import { testIds } from '../testIds';
import type { MediaScores } from './scoreIndex';

const COLORS: Record<ScoreBand, BadgeColor> = { good: 'green', fair: 'orange', poor: 'red' };

/**
 * B1: an audio MOS and a video score as badges coloured by band; the reasons show on hover, in
 * the browser's own title: a large session draws 200 badges at once, and a Tooltip each (its
 * floating-ui hooks) cost the Inspector page 0.2 s of its 2.9 s (side by side, 5 loads each).
 */
export function ScoreBadges({ scores }: { scores: MediaScores }) {
  const parts = [
    scores.audio && { label: `MOS ${scores.audio.score.toFixed(1)}`, s: scores.audio, media: 'audio' },
    scores.video && { label: `video ${scores.video.score.toFixed(1)}`, s: scores.video, media: 'video' },
  ].filter((x) => !!x);
  if (parts.length === 0) {
    return <span>–</span>;
  }
  return (
    <span data-testid={testIds.inspector.score}>
      {parts.map((p) => (
        <Badge
          key={p.media}
          color={COLORS[p.s.band]}
          text={p.label}
          title={`${p.media === 'audio' ? 'Audio MOS (ITU-T G.107)' : 'Video score'}: ${p.s.band}${p.s.reasons ? `. ${p.s.reasons}` : ''}`}
          data-band={p.s.band}
          aria-label={`${p.media === 'audio' ? 'Audio MOS' : 'Video score'} ${p.s.score.toFixed(1)}, ${p.s.band}${p.s.reasons ? `: ${p.s.reasons}` : ''}`}
        />
      ))}
    </span>
  );
}
