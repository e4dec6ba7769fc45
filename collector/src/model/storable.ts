import { Limits } from '@model';

/**
 * What PostgreSQL cannot store, found before a write is tried: text and jsonb refuse U+0000,
 * UTF-8 has no encoding for a lone UTF-16 surrogate, and a value nested thousands deep
 * overflows the stack of whoever walks it next. Every client string passes here.
 */
export function unstorableText(s: string): string | undefined {
  if (s.includes('\u0000')) {
    return 'contains U+0000 (a NUL character), which cannot be stored';
  }
  if (!(s as string & { isWellFormed(): boolean }).isWellFormed()) {
    return 'contains a lone UTF-16 surrogate (not valid Unicode), which cannot be stored';
  }
  return undefined;
}

export interface Unstorable {
  /** Where in the value: `records[3].detail.a`. */
  path: string;
  reason: string;
}

interface Node {
  value: unknown;
  depth: number;
  parent?: Node;
  key?: string | number;
}

const MAX_PATH = 200;

/** The path to a node as `a.b[2].c`, its keys made printable and the whole kept short. */
function pathOf(node: Node, root: string): string {
  const parts: string[] = [];
  for (let n: Node | undefined = node; n?.parent; n = n.parent) {
    parts.push(
      typeof n.key === 'number'
        ? `[${n.key}]`
        : `.${String(n.key)
            .replace(/[\u0000\uD800-\uDFFF]/g, '?')
            .slice(0, 40)}`
    );
  }
  const path = (root + parts.reverse().join('')).replace(/^\./, '');
  return path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path;
}

/**
 * The first place in a parsed JSON value that cannot be stored: a key or string with U+0000 or a
 * lone surrogate, or nesting deeper than `maxDepth`. Iterative, so depth costs no stack.
 */
export function findUnstorable(
  value: unknown,
  root = '',
  maxDepth: number = Limits.maxJsonDepth
): Unstorable | undefined {
  const stack: Node[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const v = node.value;
    if (typeof v === 'string') {
      const reason = unstorableText(v);
      if (reason) {
        return { path: pathOf(node, root) || 'body', reason };
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) {
      continue;
    }
    if (node.depth >= maxDepth) {
      return { path: pathOf(node, root) || 'body', reason: `nests deeper than ${maxDepth} levels` };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], depth: node.depth + 1, parent: node, key: i });
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      const child: Node = { value: (v as Record<string, unknown>)[key], depth: node.depth + 1, parent: node, key };
      const reason = unstorableText(key);
      if (reason) {
        return { path: pathOf(child, root), reason: `has a key that ${reason}` };
      }
      stack.push(child);
    }
  }
  return undefined;
}
