/**
 * The ITU-T G.107 (06/2015) E-model: the transmission rating R of a telephone connection, and
 * the MOS it predicts (Annex B). Every parameter defaults to Table 3 of the Recommendation, where
 * R = 93.2.
 */
export interface EModelParams {
  /** Send, receive loudness ratings (dB). */
  SLR: number;
  RLR: number;
  /** Sidetone masking rating, listener's sidetone rating (dB). */
  STMR: number;
  LSTR: number;
  /** D-value of the telephone, send side. */
  Ds: number;
  /** Talker echo loudness rating, weighted echo path loss (dB). */
  TELR: number;
  WEPL: number;
  /** Mean one-way delay of the echo path, round-trip delay in a 4-wire loop, absolute delay (ms). */
  T: number;
  Tr: number;
  Ta: number;
  /** Quantizing distortion units. */
  qdu: number;
  /** Equipment impairment factor and packet-loss robustness factor of the codec (ITU-T G.113). */
  Ie: number;
  Bpl: number;
  /** Random packet loss (%), and the burst ratio (1: random). */
  Ppl: number;
  BurstR: number;
  /** Circuit noise (dBm0p), noise floor (dBmp), room noise at send and receive side (dB(A)). */
  Nc: number;
  Nfor: number;
  Ps: number;
  Pr: number;
  /** Advantage factor. */
  A: number;
}

export const G107_DEFAULTS: EModelParams = {
  SLR: 8,
  RLR: 2,
  STMR: 15,
  LSTR: 18,
  Ds: 3,
  TELR: 65,
  WEPL: 110,
  T: 0,
  Tr: 0,
  Ta: 0,
  qdu: 1,
  Ie: 0,
  Bpl: 4.3,
  Ppl: 0,
  BurstR: 1,
  Nc: -70,
  Nfor: -64,
  Ps: 35,
  Pr: 35,
  A: 0,
};

const lg = Math.log10;

/** Effective equipment impairment under packet loss (G.107 eq. 7-29). */
export function ieEff(p: Pick<EModelParams, 'Ie' | 'Bpl' | 'Ppl' | 'BurstR'>): number {
  return p.Ie + ((95 - p.Ie) * p.Ppl) / (p.Ppl / p.BurstR + p.Bpl);
}

/** The transmission rating R = Ro − Is − Id − Ie,eff + A (G.107 clause 7). */
export function rating(params: Partial<EModelParams> = {}): number {
  const p = { ...G107_DEFAULTS, ...params };
  // Basic signal-to-noise ratio, Ro (7.2).
  const OLR = p.SLR + p.RLR;
  const Nos = p.Ps - p.SLR - p.Ds - 100 + 0.004 * (p.Ps - OLR - p.Ds - 14) ** 2;
  const Pre = p.Pr + 10 * lg(1 + 10 ** ((10 - p.LSTR) / 10));
  const Nor = p.RLR - 121 + Pre + 0.008 * (Pre - 35) ** 2;
  const Nfo = p.Nfor + p.RLR;
  const No = 10 * lg(10 ** (p.Nc / 10) + 10 ** (Nos / 10) + 10 ** (Nor / 10) + 10 ** (Nfo / 10));
  const Ro = 15 - 1.5 * (p.SLR + No);
  // Simultaneous impairment, Is (7.3).
  const Xolr = OLR + 0.2 * (64 + No - p.RLR);
  const Iolr = 20 * ((1 + (Xolr / 8) ** 8) ** (1 / 8) - Xolr / 8);
  const STMRo = -10 * lg(10 ** (-p.STMR / 10) + Math.exp(-p.T / 4) * 10 ** (-p.TELR / 10));
  const Ist =
    12 * (1 + ((STMRo - 13) / 6) ** 8) ** (1 / 8) -
    28 * (1 + ((STMRo + 1) / 19.4) ** 35) ** (1 / 35) -
    13 * (1 + ((STMRo - 3) / 33) ** 13) ** (1 / 13) +
    29;
  const Q = 37 - 15 * lg(p.qdu);
  const G = 1.07 + 0.258 * Q + 0.0602 * Q ** 2;
  const Y = (Ro - 100) / 15 + 46 / 8.4 - G / 9;
  const Z = 46 / 30 - G / 40;
  const Iq = 15 * lg(1 + 10 ** Y + 10 ** Z);
  const Is = Iolr + Ist + Iq;
  // Delay impairment, Id (7.4): talker echo, listener echo, absolute delay.
  const Roe = -1.5 * (No - p.RLR);
  let TERV = p.TELR - 40 * lg((1 + p.T / 10) / (1 + p.T / 150)) + 6 * Math.exp(-0.3 * p.T ** 2);
  if (p.STMR < 9) {
    TERV += Ist / 2;
  }
  const Re = 80 + 2.5 * (TERV - 14);
  let Idte = ((Roe - Re) / 2 + Math.sqrt((Roe - Re) ** 2 / 4 + 100) - 1) * (1 - Math.exp(-p.T));
  if (p.STMR > 20) {
    Idte = Math.sqrt(Idte ** 2 + Ist ** 2);
  }
  const Rle = 10.5 * (p.WEPL + 7) * (p.Tr + 1) ** -0.25;
  const Idle = (Ro - Rle) / 2 + Math.sqrt((Ro - Rle) ** 2 / 4 + 169);
  const Id = Idte + Idle + absoluteDelayImpairment(p.Ta);
  return Ro - Is - Id - ieEff(p) + p.A;
}

/** The impairment of an absolute delay `Ta` (ms), Idd (G.107 eq. 7-27 and 7-28). */
export function absoluteDelayImpairment(Ta: number): number {
  if (Ta <= 100) {
    return 0;
  }
  const X = lg(Ta / 100) / lg(2);
  return 25 * ((1 + X ** 6) ** (1 / 6) - 3 * (1 + (X / 3) ** 6) ** (1 / 6) + 2);
}

/** MOS (conversational quality, CQE) from R (G.107 Annex B, eq. B-4). */
export function mosFromR(R: number): number {
  if (R <= 0) {
    return 1;
  }
  if (R >= 100) {
    return 4.5;
  }
  return 1 + 0.035 * R + R * (R - 60) * (100 - R) * 7e-6;
}

/**
 * Planning values of codecs under random packet loss: ITU-T G.113 (11/2007) Appendix I, Table I.3.
 * Opus has no published value: it is rated as G.711 with packet-loss concealment (Opus conceals
 * a lost frame at least as well, and WebRTC also sends in-band FEC), with no coding impairment
 * at the bitrates WebRTC gives it.
 */
export const CODECS = {
  'G.711': { Ie: 0, Bpl: 4.3 },
  'G.711 PLC': { Ie: 0, Bpl: 25.1 },
  'G.729A VAD': { Ie: 11, Bpl: 19 },
  'G.723.1 VAD 6.3': { Ie: 15, Bpl: 16.1 },
  opus: { Ie: 0, Bpl: 25.1 },
} as const;

/**
 * What a WebRTC audio stream adds to the network's one-way delay before the listener hears it:
 * capture, a 20 ms frame, encode, decode and playout. The jitter buffer holds at least this much,
 * more with jitter (about twice the jitter, as WebRTC's NetEq targets).
 */
const DEVICE_DELAY_MS = 40;
const MIN_JITTER_BUFFER_MS = 40;

/** Mouth-to-ear delay (ms) from the measured RTT and jitter: half the RTT, the jitter buffer, the devices. */
export function effectiveDelayMs(rttMs: number, jitterMs: number): number {
  return rttMs / 2 + Math.max(MIN_JITTER_BUFFER_MS, 2 * jitterMs) + DEVICE_DELAY_MS;
}

/**
 * R of an Opus stream before the absolute-delay and loss impairments: with every other parameter
 * at its default the rest of R is a constant, worked out once (a scores query rates tens of
 * thousands of buckets).
 */
const OPUS_UNIMPAIRED_R = rating({ ...CODECS.opus, Ta: 0, Ppl: 0 }) + ieEff({ ...CODECS.opus, BurstR: 1, Ppl: 0 });

/**
 * Audio MOS of a WebRTC Opus stream from its loss (%), RTT and jitter (ms): the E-model at default
 * parameters with the effective delay as absolute delay Ta (echo cancelled: T and Tr stay at their
 * echo-free defaults) and Opus's Ie / Bpl.
 */
export function audioMos(lossPct: number, rttMs: number, jitterMs: number): { mos: number; R: number } {
  const R =
    OPUS_UNIMPAIRED_R -
    absoluteDelayImpairment(effectiveDelayMs(rttMs, jitterMs)) -
    ieEff({ Ie: CODECS.opus.Ie, Bpl: CODECS.opus.Bpl, BurstR: 1, Ppl: Math.max(0, lossPct) });
  return { mos: mosFromR(R), R };
}

/**
 * `audioMos` as a SQL expression over columns (loss %, RTT ms, jitter ms), for percentiles across
 * a fleet's samples. With every parameter but Ta and Ppl at its default, R is a constant minus the
 * absolute-delay and the loss impairments, so the expression is exact (a test compares the two).
 */
export function audioMosSql(loss: string, rtt: string, jitter: string): string {
  const { Ie, Bpl } = CODECS.opus;
  const ta = `(coalesce(${rtt}, 0) / 2 + greatest(${MIN_JITTER_BUFFER_MS}, 2 * coalesce(${jitter}, 0)) + ${DEVICE_DELAY_MS})`;
  const x = `(ln(${ta} / 100) / ln(2))`;
  const idd = `(CASE WHEN ${ta} > 100 THEN 25 * (power(1 + power(${x}, 6), 1.0 / 6) - 3 * power(1 + power(${x} / 3, 6), 1.0 / 6) + 2) ELSE 0 END)`;
  const p = `greatest(coalesce(${loss}, 0), 0)`;
  const r = `(${OPUS_UNIMPAIRED_R} - ${idd} - (${Ie} + (95 - ${Ie}) * ${p} / (${p} + ${Bpl})))`;
  return `(CASE WHEN ${r} <= 0 THEN 1 WHEN ${r} >= 100 THEN 4.5 ELSE 1 + 0.035 * ${r} + ${r} * (${r} - 60) * (100 - ${r}) * 7e-6 END)`;
}
