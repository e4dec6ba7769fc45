/**
 * B7: what a user received during a session's bad minutes, as network conditions to replay: a
 * `tc netem` script that steps through them on a lab machine's downlink, and a Chromium command
 * line whose WebRTC fake-network field trial replays them inside the browser.
 */
export interface ReplayStep {
  start: number;
  durationMs: number;
  /** Loss on the way in (%), the round trip (ms), its jitter (ms). */
  lossPct: number;
  rttMs: number;
  jitterMs: number;
  /** What got through when the bitrate was too low to be a choice (kbps); absent: no cap. */
  capKbps?: number;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/**
 * A POSIX shell script for a Linux lab machine: the downlink of `$DEV` (ingress, through an ifb
 * device) gets each step's delay, jitter, loss and rate in turn; stopping it restores the link.
 * The whole round trip is put on the way in, so a call through that machine measures the RTT.
 */
export function netemScript(steps: ReplayStep[], about: string): string {
  const lines = [
    '#!/bin/sh',
    `# Replays ${about}`,
    '# on the downlink of interface DEV (default eth0), one step every few seconds. Run as root; Ctrl-C restores the link.',
    'set -eu',
    'DEV=${1:-eth0}',
    'modprobe ifb numifbs=1 2>/dev/null || true',
    'ip link add ifb0 type ifb 2>/dev/null || true',
    'ip link set ifb0 up',
    'tc qdisc replace dev "$DEV" handle ffff: ingress',
    'tc filter replace dev "$DEV" parent ffff: protocol all u32 match u32 0 0 action mirred egress redirect dev ifb0',
    `trap 'tc qdisc del dev "$DEV" ingress 2>/dev/null; tc qdisc del dev ifb0 root 2>/dev/null; ip link del ifb0 2>/dev/null' EXIT INT TERM`,
    '# step <delay ms> <jitter ms> <loss %> <rate kbit or 0 for none> <seconds>',
    `step() { if [ "$4" = 0 ]; then RATE=""; else RATE="rate $4kbit"; fi; tc qdisc replace dev ifb0 root netem delay "$1"ms "$2"ms loss "$3"% $RATE; sleep "$5"; }`,
  ];
  for (const s of steps) {
    lines.push(
      `step ${Math.round(s.rttMs)} ${r1(s.jitterMs)} ${r1(s.lossPct)} ${s.capKbps ? Math.round(s.capKbps) : 0} ${r1(s.durationMs / 1000)}  # ${new Date(s.start).toISOString()}`
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Chromium switches that replay the steps inside WebRTC: the `WebRTC-FakeNetworkReceiveConfig`
 * field trial, one time-scoped configuration per step (libwebrtc's FieldTrialStructList: each
 * member lists one value per step, separated by `|`; `duration` in ms). It degrades what every
 * peer connection of the browser receives, so a loopback call (both ends in one browser) sees
 * the loss once and the queue delay on each way: half the round trip per direction.
 */
export function fieldTrial(steps: ReplayStep[]): string {
  const list = (f: (s: ReplayStep) => number) => steps.map((s) => String(f(s))).join('|');
  const members = [
    `queue_delay_ms:${list((s) => Math.round(s.rttMs / 2))}`,
    `delay_standard_deviation_ms:${list((s) => Math.round(s.jitterMs))}`,
    `loss_percent:${list((s) => Math.round(s.lossPct))}`,
    `link_capacity_kbps:${list((s) => Math.round(s.capKbps ?? 0))}`,
    `duration:${list((s) => Math.round(s.durationMs))}`,
  ];
  return `--force-fieldtrials=WebRTC-FakeNetworkReceiveConfig/${members.join(',')}/`;
}

/** The Chromium command line of a lab run: fake camera and microphone, and the field trial. */
export function chromiumCommand(steps: ReplayStep[]): string {
  return [
    'chromium',
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `'${fieldTrial(steps)}'`,
  ].join(' ');
}
