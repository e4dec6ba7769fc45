import { open } from 'node:fs/promises';
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { Limits } from '@model';
import { invalidDump, tooLarge } from '../errors';

/** A dump on disk; read twice (validate, then write), so it must be a file, not a stream. */
export interface DumpFile {
  path: string;
  /** Shown in errors and progress lines. */
  name: string;
  size: number;
}

const gzipMagic = (bytes: Buffer) => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Bytes read (a stream's chunk), and text decoded (a whole read's slice), at a time. */
const CHUNK = 256 * 1024;

const textTooLarge = (file: DumpFile, maxTextBytes: number) =>
  tooLarge(`${file.name}: the dump holds more than ${maxTextBytes} bytes of text once decompressed`);

export async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return gzipMagic(buffer.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/**
 * The dump's text in chunks, gunzipped when it starts with the gzip magic bytes. `onBytes` gets
 * the count of file bytes read so far (progress). A cut gzip stream is a 400 (invalid_dump);
 * more than `Limits.maxImportTextBytes` of text (a zip bomb) a 413.
 */
export async function* readText(
  file: DumpFile,
  onBytes?: (read: number) => void,
  maxTextBytes: number = Limits.maxImportTextBytes
): AsyncGenerator<string> {
  const whole = file.size <= Limits.importWholeReadBytes ? await readWhole(file.path, file.size) : undefined;
  if (whole && !gzipMagic(whole)) {
    yield* decoded(whole, file, onBytes, maxTextBytes);
    return;
  }
  // A small gzip'ed file is gunzipped from the bytes already read.
  const gzip = whole !== undefined || (await isGzip(file.path));
  const raw: Readable = whole ? Readable.from([whole]) : createReadStream(file.path, { highWaterMark: CHUNK });
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
  let text = 0;
  try {
    for await (const chunk of stream) {
      text += (chunk as Buffer).length;
      if (text > maxTextBytes) {
        throw textTooLarge(file, maxTextBytes);
      }
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

/**
 * A small file's bytes in one read (its open, read and close are the three waits of the import's
 * reading, against seven or more through a stream); undefined when it has grown past `size`
 * since, which the stream then reads.
 */
async function readWhole(path: string, size: number): Promise<Buffer | undefined> {
  const fh = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size + 1);
    const { bytesRead } = await fh.read(buffer, 0, size + 1, 0);
    return bytesRead > size ? undefined : buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Bytes checked for ASCII at a time: one non-ASCII character makes only its piece UTF-8 decoded. */
const PIECE = 16 * 1024;

/**
 * A buffer's text a slice at a time, so that a reader that stops early decodes no more. ASCII
 * (most of a dump: JSON of stats) is its own text, and Latin-1 decodes it without UTF-8's checks
 * into V8's one-byte strings, which JSON.parse reads faster than the two-byte strings a UTF-8
 * decode makes of a whole slice for one device label.
 */
function* decoded(
  buffer: Buffer,
  file: DumpFile,
  onBytes: ((read: number) => void) | undefined,
  maxTextBytes: number
): Generator<string> {
  if (buffer.length > maxTextBytes) {
    throw textTooLarge(file, maxTextBytes);
  }
  const decoder = new StringDecoder('utf8');
  for (let at = 0; at < buffer.length; at += CHUNK) {
    const end = Math.min(at + CHUNK, buffer.length);
    onBytes?.(end);
    // Runs of ASCII pieces are one Latin-1 slice; the others are yielded apart (joined, the
    // whole slice would become a two-byte string).
    let ascii = at;
    for (let from = at; from < end; from += PIECE) {
      const to = Math.min(from + PIECE, end);
      if (isAscii(buffer.subarray(from, to))) {
        continue;
      }
      if (ascii < from) {
        // A character cut by the previous piece ends there: the decoder's U+FFFD, as it would write it.
        yield decoder.end() + buffer.toString('latin1', ascii, from);
      }
      yield decoder.write(buffer.subarray(from, to));
      ascii = to;
    }
    if (ascii < end) {
      yield decoder.end() + buffer.toString('latin1', ascii, end);
    }
  }
  const rest = decoder.end();
  if (rest) {
    yield rest;
  }
}

/**
 * Lines of the text (without their end of line), numbered from 1; `complete` is false for a
 * last line with no newline. A line's pieces are joined once it ends, so a long line costs its
 * length, not its length times its chunks; a line over `Limits.maxImportLineBytes` is a 400.
 */
export async function* readLines(
  chunks: AsyncIterable<string>
): AsyncGenerator<{ text: string; n: number; complete: boolean }> {
  let pieces: string[] = [];
  let pending = 0;
  let n = 0;
  for await (const chunk of chunks) {
    let start = 0;
    let nl = chunk.indexOf('\n');
    while (nl >= 0) {
      pieces.push(chunk.slice(start, nl));
      const line = pieces.join('');
      pieces = [];
      pending = 0;
      yield { text: line.endsWith('\r') ? line.slice(0, -1) : line, n: ++n, complete: true };
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) {
      pieces.push(chunk.slice(start));
      pending += chunk.length - start;
      if (pending > Limits.maxImportLineBytes) {
        throw invalidDump(`line ${n + 1} is longer than ${Limits.maxImportLineBytes} characters`);
      }
    }
  }
  if (pending > 0) {
    yield { text: pieces.join(''), n: ++n, complete: false };
  }
}
