import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { invalidDump } from '../errors';

/** A dump on disk; read twice (validate, then write), so it must be a file, not a stream. */
export interface DumpFile {
  path: string;
  /** Shown in errors and progress lines. */
  name: string;
  size: number;
}

export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The dump's text in chunks, gunzipped when it starts with the gzip magic bytes. `onBytes` gets
 * the count of file bytes read so far (progress). A cut gzip stream is a 400 (invalid_dump).
 */
export async function* readText(file: DumpFile, onBytes?: (read: number) => void): AsyncGenerator<string> {
  const gzip = await isGzip(file.path);
  const raw = createReadStream(file.path, { highWaterMark: 256 * 1024 });
  let read = 0;
  raw.on('data', (b) => {
    read += b.length;
    onBytes?.(read);
  });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  if (gzip) {
    raw.on('error', (err) => stream.destroy(err));
  }
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of stream) {
      yield decoder.write(chunk as Buffer);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') {
      throw invalidDump(
        `${file.name}: the gzip data is ${code === 'Z_BUF_ERROR' ? 'truncated (unexpected end of file)' : 'corrupt'}`
      );
    }
    throw err;
  } finally {
    raw.destroy();
    stream.destroy();
  }
  const rest = decoder.end();
  if (rest) {
    yield rest;
  }
}

/** Lines of the text (without their end of line), numbered from 1; `complete` is false for a last line with no newline. */
export async function* readLines(
  chunks: AsyncIterable<string>
): AsyncGenerator<{ text: string; n: number; complete: boolean }> {
  let pending = '';
  let n = 0;
  for await (const chunk of chunks) {
    pending += chunk;
    let start = 0;
    let nl = pending.indexOf('\n', start);
    while (nl >= 0) {
      const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield { text: pending.slice(start, end), n: ++n, complete: true };
      start = nl + 1;
      nl = pending.indexOf('\n', start);
    }
    pending = pending.slice(start);
  }
  if (pending.length > 0) {
    yield { text: pending, n: ++n, complete: false };
  }
}
