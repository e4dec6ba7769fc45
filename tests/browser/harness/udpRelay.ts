import { createSocket, type Socket } from 'node:dgram';

/**
 * A UDP relay between two peers' ICE candidates that drops RTP packets at a known rate: every
 * packet whose RTP sequence number is a multiple of `dropEvery`, so exactly 1 / dropEvery of
 * each stream's sequence numbers never arrive, a re-sent copy included (the rate counts
 * distinct packets). STUN, DTLS and RTCP
 * (told apart by their first bytes, RFC 7983 and RFC 5761) always pass, so ICE, keys and the
 * receiver's reports are untouched. `tc netem` is unavailable here, and Chromium's
 * WebRTC-FakeNetworkSendConfig field trial is not compiled into Debian's Chromium (docs/sdk.md).
 */
export class UdpRelay {
  /** Distinct RTP packets (SSRC and sequence number) seen, and of those dropped. */
  private readonly seen = new Set<string>();
  private readonly lost = new Set<string>();
  /** Copies of a packet already seen (retransmissions on the original SSRC). */
  resent = 0;
  private readonly sockets: Socket[] = [];

  constructor(private readonly dropEvery: number) {}

  /** The packets the receiver can have missed: distinct ones, whatever was sent twice. */
  get rtp(): number {
    return this.seen.size;
  }

  get dropped(): number {
    return this.lost.size;
  }

  private drop(msg: Buffer): boolean {
    if (msg.length < 12 || msg[0] < 128 || msg[0] > 191) {
      return false; // STUN (0-3) or DTLS (20-63)
    }
    const payloadType = msg[1] & 0x7f;
    if (payloadType >= 64 && payloadType <= 95) {
      return false; // RTCP packet types 192-223
    }
    // A call of a few minutes sends fewer than 2^16 packets per SSRC: no sequence number wraps.
    const seq = msg.readUInt16BE(2);
    const key = `${msg.readUInt32BE(8)}:${seq}`;
    if (this.seen.has(key)) {
      this.resent++;
    }
    this.seen.add(key);
    if (seq % this.dropEvery === 0) {
      this.lost.add(key);
      return true;
    }
    return false;
  }

  private async socket(): Promise<Socket> {
    const s = createSocket('udp4');
    this.sockets.push(s);
    await new Promise<void>((resolve) => s.bind(0, '0.0.0.0', resolve));
    return s;
  }

  /**
   * A local port that forwards to `host:port` (a peer's candidate). Each sender gets its own
   * upstream socket, so replies find their way back through the same port.
   */
  async expose(host: string, port: number): Promise<number> {
    const front = await this.socket();
    const upstream = new Map<string, Promise<Socket>>();
    front.on('message', (msg, from) => {
      const key = `${from.address}:${from.port}`;
      let up = upstream.get(key);
      if (!up) {
        up = this.socket().then((s) => {
          s.on('message', (back) => {
            if (!this.drop(back)) {
              front.send(back, from.port, from.address);
            }
          });
          return s;
        });
        upstream.set(key, up);
      }
      if (!this.drop(msg)) {
        void up.then((s) => s.send(msg, port, host));
      }
    });
    return front.address().port;
  }

  /**
   * The candidate a peer should get instead: a UDP host IPv4 candidate with its port replaced by
   * the relay's; null for every other candidate (so media can only take the relay).
   */
  async relayCandidate(candidate: string): Promise<string | null> {
    const p = candidate.split(' ');
    if (p.length < 8 || p[2].toLowerCase() !== 'udp' || p[7] !== 'host' || !/^\d+\.\d+\.\d+\.\d+$/.test(p[4])) {
      return null;
    }
    p[5] = String(await this.expose(p[4], Number(p[5])));
    return p.join(' ');
  }

  close() {
    this.sockets.forEach((s) => s.close());
  }
}
