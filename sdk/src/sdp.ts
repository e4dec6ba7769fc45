/** A media section of a session description: its `mid`, direction and the stream (`msid`) it carries. */
export interface MediaSection {
  mid: string;
  kind: string;
  direction: string;
  streamId?: string;
}

const cache = new Map<string, MediaSection[]>();

/**
 * Media sections of an SDP. The `msid` stream id is the MediaStream id on both ends of a
 * connection, so a publisher's and its subscriber's samples name the same stream.
 */
export function mediaSections(sdp: string | undefined): MediaSection[] {
  if (!sdp) {
    return [];
  }
  const cached = cache.get(sdp);
  if (cached) {
    return cached;
  }
  const sections: MediaSection[] = [];
  let current: MediaSection | undefined;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) {
      current = { mid: '', kind: line.slice(2).split(' ')[0], direction: 'sendrecv' };
      sections.push(current);
    } else if (current && line.startsWith('a=mid:')) {
      current.mid = line.slice(6).trim();
    } else if (current && line.startsWith('a=msid:')) {
      const id = line.slice(7).trim().split(' ')[0];
      if (id && id !== '-') {
        current.streamId = id;
      }
    } else if (current && /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(line.trim())) {
      current.direction = line.trim().slice(2);
    }
  }
  // Descriptions change with each negotiation; a handful is all a page has at once.
  if (cache.size > 50) {
    cache.clear();
  }
  cache.set(sdp, sections);
  return sections;
}
