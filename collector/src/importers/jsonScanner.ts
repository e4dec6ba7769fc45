import { invalidDump } from '../errors';

export type JsonPath = string[];

interface Frame {
  kind: 'obj' | 'arr';
  path: JsonPath;
  state: 'key' | 'colon' | 'value' | 'comma';
  key: string;
  index: number;
}

const WS = new Set([' ', '\t', '\n', '\r']);

/**
 * Walks one JSON document given in chunks without holding it whole: containers at paths where
 * `select(path)` is 'walk' are walked into; 'read' values are read whole and handed to
 * `onValue(path, value)`; 'skip' values are passed over without being kept. `onClose(path)` follows the end of each walked container. Only the
 * value being read (one stats series, one log entry) is in memory at a time.
 */
export class JsonScanner {
  private stack: Frame[] = [];
  private mode: 'skeleton' | 'key' | 'capture' = 'skeleton';
  private started = false;
  private done = false;
  private offset = 0;
  private parts: string[] = [];
  private escape = false;
  private inString = false;
  private depth = 0;
  private primitive = false;
  private keep = true;
  private capturePath: JsonPath = [];

  constructor(
    private readonly name: string,
    private readonly select: (path: JsonPath) => 'walk' | 'read' | 'skip',
    private readonly onValue: (path: JsonPath, value: unknown) => void,
    private readonly onClose: (path: JsonPath) => void = () => undefined
  ) {}

  private fail(what: string, at: number): never {
    throw invalidDump(`${this.name}: not valid JSON at character ${this.offset + at + 1}: ${what}`);
  }

  push(chunk: string): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.mode === 'capture') {
        i = this.capture(chunk, i);
        continue;
      }
      if (this.mode === 'key') {
        i = this.readKey(chunk, i);
        continue;
      }
      const c = chunk[i];
      if (WS.has(c)) {
        i++;
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      if (!top) {
        if (this.done) {
          this.fail(
            c === '{'
              ? 'a second JSON document follows the first: two dumps were joined into one file; import each dump as its own file'
              : `unexpected '${c}' after the end of the document`,
            i
          );
        }
        if (c !== '{') {
          this.fail(`expected '{' (a JSON object), got '${c}'`, i);
        }
        this.started = true;
        this.stack.push({ kind: 'obj', path: [], state: 'key', key: '', index: 0 });
        i++;
        continue;
      }
      i = this.skeleton(top, c, chunk, i);
    }
    if (this.mode === 'key' || (this.mode === 'capture' && this.keep)) {
      this.parts.push(chunk.slice(this.sliceStart));
    }
    this.sliceStart = 0;
    this.offset += n;
  }

  private sliceStart = 0;

  private skeleton(top: Frame, c: string, chunk: string, i: number): number {
    if (top.kind === 'obj') {
      if (top.state === 'key') {
        if (c === '"') {
          this.mode = 'key';
          this.parts = [];
          this.escape = false;
          this.sliceStart = i + 1;
          return i + 1;
        }
        if (c === '}' && top.index === 0) {
          return this.close(i);
        }
        this.fail(`expected a key, got '${c}'`, i);
      }
      if (top.state === 'colon') {
        if (c !== ':') {
          this.fail(`expected ':', got '${c}'`, i);
        }
        top.state = 'value';
        return i + 1;
      }
      if (top.state === 'value') {
        return this.startValue([...top.path, top.key], top, c, i);
      }
      if (c === ',') {
        top.state = 'key';
        top.index++;
        return i + 1;
      }
      if (c === '}') {
        return this.close(i);
      }
      this.fail(`expected ',' or '}', got '${c}'`, i);
    }
    if (top.state === 'value') {
      if (c === ']' && top.index === 0) {
        return this.close(i);
      }
      return this.startValue([...top.path, String(top.index)], top, c, i);
    }
    if (c === ',') {
      top.state = 'value';
      top.index++;
      return i + 1;
    }
    if (c === ']') {
      return this.close(i);
    }
    return this.fail(`expected ',' or ']', got '${c}'`, i);
  }

  private startValue(path: JsonPath, parent: Frame, c: string, i: number): number {
    parent.state = 'comma';
    const how = this.select(path);
    if ((c === '{' || c === '[') && how === 'walk') {
      this.stack.push({ kind: c === '{' ? 'obj' : 'arr', path, state: c === '{' ? 'key' : 'value', key: '', index: 0 });
      return i + 1;
    }
    if (c === '}' || c === ']' || c === ',' || c === ':') {
      this.fail(`expected a value, got '${c}'`, i);
    }
    this.mode = 'capture';
    this.keep = how !== 'skip';
    this.capturePath = path;
    this.parts = [];
    this.sliceStart = i;
    this.primitive = c !== '{' && c !== '[' && c !== '"';
    this.inString = c === '"';
    this.escape = false;
    this.depth = c === '{' || c === '[' ? 1 : 0;
    return i + 1;
  }

  private close(i: number): number {
    const frame = this.stack.pop() as Frame;
    this.onClose(frame.path);
    if (this.stack.length === 0) {
      this.done = true;
    }
    return i + 1;
  }

  private readKey(chunk: string, i: number): number {
    for (let j = i; j < chunk.length; j++) {
      const c = chunk.charCodeAt(j);
      if (this.escape) {
        this.escape = false;
      } else if (c === 92) {
        this.escape = true;
      } else if (c === 34) {
        this.parts.push(chunk.slice(this.sliceStart, j));
        const top = this.stack[this.stack.length - 1];
        top.key = JSON.parse(`"${this.parts.join('')}"`) as string;
        top.state = 'colon';
        this.mode = 'skeleton';
        this.parts = [];
        return j + 1;
      }
    }
    return chunk.length;
  }

  private capture(chunk: string, i: number): number {
    for (let j = i; j < chunk.length; j++) {
      const c = chunk.charCodeAt(j);
      if (this.primitive) {
        // a number, true, false or null ends at the next delimiter, which is not part of it
        if (c === 44 || c === 125 || c === 93 || c === 32 || c === 10 || c === 13 || c === 9) {
          this.finishCapture(chunk.slice(this.sliceStart, j), j);
          return j;
        }
        continue;
      }
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
        } else if (c === 92) {
          this.escape = true;
        } else if (c === 34) {
          this.inString = false;
          if (this.depth === 0) {
            this.finishCapture(chunk.slice(this.sliceStart, j + 1), j);
            return j + 1;
          }
        }
        continue;
      }
      if (c === 34) {
        this.inString = true;
      } else if (c === 123 || c === 91) {
        this.depth++;
      } else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth === 0) {
          this.finishCapture(chunk.slice(this.sliceStart, j + 1), j);
          return j + 1;
        }
      }
    }
    return chunk.length;
  }

  private finishCapture(tail: string, at: number): void {
    this.mode = 'skeleton';
    if (!this.keep) {
      this.parts = [];
      return;
    }
    this.parts.push(tail);
    const text = this.parts.join('');
    this.parts = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.fail(`the value at ${this.capturePath.join('.') || '(root)'} is malformed`, at);
    }
    this.onValue(this.capturePath, value);
  }

  /** The input ended: anything open means the document was cut off. */
  end(): void {
    if (!this.started) {
      throw invalidDump(`${this.name}: the file holds no JSON document`);
    }
    if (!this.done || this.mode !== 'skeleton') {
      throw invalidDump(`${this.name}: the JSON document ends before it is complete (the dump is truncated)`);
    }
  }
}
