import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Thresholds } from '@model';
import { audioMos, CODECS, effectiveDelayMs, ieEff, mosFromR, rating } from '../src/model/emodel';
import { AUDIO_BANDS, audioBand, neededKbps, videoBand, videoScore } from '../src/model/scores';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} (expected ${expected} ± ${tolerance})`);

describe('ITU-T G.107 E-model', () => {
  test('R = 93.2 at the default parameters of Table 3', () => {
    close(rating(), 93.2, 0.05, 'R');
    close(mosFromR(rating()), 4.41, 0.005, 'MOS at R = 93.2');
  });

  // R and MOS with the G.113 Appendix I (Table I.3) planning values, random loss, all else default.
  // Expected values computed with the G.107 equations by an independent script (Python), not by this code.
  const TABLE: Array<[keyof typeof CODECS, Array<[number, number, number]>]> = [
    [
      'G.711 PLC',
      [
        [0, 93.21, 4.409],
        [1, 89.57, 4.328],
        [2, 86.2, 4.235],
        [5, 77.43, 3.923],
        [10, 66.14, 3.411],
      ],
    ],
    [
      'G.729A VAD',
      [
        [0, 82.21, 4.105],
        [1, 78.01, 3.946],
        [2, 74.21, 3.788],
        [5, 64.71, 3.34],
        [10, 53.24, 2.746],
      ],
    ],
    [
      'G.711',
      [
        [0, 93.21, 4.409],
        [1, 75.28, 3.834],
        [2, 63.05, 3.256],
        [5, 42.13, 2.17],
        [10, 26.77, 1.481],
      ],
    ],
  ];
  for (const [codec, rows] of TABLE) {
    test(`${codec} (Ie ${CODECS[codec].Ie}, Bpl ${CODECS[codec].Bpl}) at 0, 1, 2, 5 and 10 % loss`, () => {
      for (const [ppl, R, mos] of rows) {
        const r = rating({ ...CODECS[codec], Ppl: ppl });
        close(r, R, 0.005, `${codec} R at ${ppl} %`);
        close(mosFromR(r), mos, 0.0005, `${codec} MOS at ${ppl} %`);
      }
    });
  }

  test('Ie,eff: bursty loss hurts more than random loss (BurstR > 1)', () => {
    assert.equal(ieEff({ Ie: 0, Bpl: 25.1, Ppl: 0, BurstR: 1 }), 0);
    assert.ok(ieEff({ Ie: 0, Bpl: 25.1, Ppl: 5, BurstR: 2 }) > ieEff({ Ie: 0, Bpl: 25.1, Ppl: 5, BurstR: 1 }));
  });

  test('absolute delay: no impairment up to 100 ms, then more the longer it is', () => {
    assert.equal(rating({ Ta: 100 }), rating());
    const r = [150, 250, 400, 600].map((Ta) => rating({ Ta }));
    assert.ok(
      r.every((v, i) => i === 0 || v < r[i - 1]),
      r.join(' > ')
    );
  });

  test("WebRTC audio: a clean call is good, the spec's loss lines are the bands' edges", () => {
    assert.equal(audioBand(audioMos(0.3, 60, 5).mos), 'good');
    close(audioMos(Thresholds.lossWarnPct, 0, 0).mos, AUDIO_BANDS.fairBelow, 1e-9, 'fair edge');
    close(audioMos(Thresholds.lossBadPct, 0, 0).mos, AUDIO_BANDS.poorBelow, 1e-9, 'poor edge');
    assert.equal(audioBand(audioMos(6, 60, 5).mos), 'poor');
    assert.equal(audioBand(audioMos(4, 60, 5).mos), 'fair');
    assert.notEqual(audioBand(audioMos(0, 800, 10).mos), 'good', 'an 800 ms round trip');
  });

  test("WebRTC audio's short form (a constant less the delay and loss impairments) is the whole E-model", () => {
    for (const loss of [0, 0.5, 3, 12, 40]) {
      for (const rtt of [0, 80, 250, 900]) {
        for (const jitter of [0, 15, 60]) {
          const whole = rating({ ...CODECS.opus, Ppl: loss, Ta: effectiveDelayMs(rtt, jitter) });
          close(audioMos(loss, rtt, jitter).R, whole, 1e-9, `R at ${loss} %, ${rtt} ms, ${jitter} ms`);
        }
      }
    }
  });
});

describe('video score', () => {
  test("720p at the spec's low-bitrate line is poor; with the bitrate it needs it is good", () => {
    const at = (kbps: number) =>
      videoScore({
        height: 720,
        width: 1280,
        frameRate: 30,
        bitrateKbps: kbps,
        lossPct: 0,
        freezesPerMinute: 0,
        codec: 'VP8',
      });
    assert.equal(videoBand(at(Thresholds.videoBitrateLowKbps).score), 'poor');
    assert.equal(videoBand(at(neededKbps(1280, 720, 30, 'VP8')).score), 'good');
    assert.deepEqual(
      at(100).factors.map((f) => f.factor),
      ['bitrate']
    );
  });

  test('a 640x360 call at 20 fps with 190 kbps (the clean Chromium capture) is good', () => {
    const v = videoScore({
      height: 360,
      width: 640,
      frameRate: 20,
      bitrateKbps: 190,
      lossPct: 0,
      freezesPerMinute: 0,
      codec: 'VP8',
    });
    assert.equal(videoBand(v.score), 'good');
  });

  test('frozen video scores 1; loss, low frame rate and freezes each cost', () => {
    const base = {
      height: 720,
      width: 1280,
      frameRate: 30,
      bitrateKbps: 2000,
      lossPct: 0,
      freezesPerMinute: 0,
      codec: 'VP8',
    };
    assert.equal(videoScore({ ...base, frameRate: 0 }).score, 1);
    const clean = videoScore(base).score;
    for (const worse of [{ lossPct: 8 }, { frameRate: 6 }, { freezesPerMinute: 3 }]) {
      assert.ok(videoScore({ ...base, ...worse }).score < clean - 0.5, JSON.stringify(worse));
    }
    assert.ok(neededKbps(1280, 720, 30, 'AV1') < neededKbps(1280, 720, 30, 'VP8'));
  });
});
