import { readFileSync, writeFileSync } from 'node:fs';

const DOC = 'docs/benchmarks.md';

/**
 * Replaces the section `<!-- bench:<name>:begin -->` ... `end -->` of docs/benchmarks.md with
 * `lines` (markers added), or appends it; each benchmark writes only its own section.
 */
export function writeBenchSection(name: string, lines: string[]): string {
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  let doc = '';
  try {
    doc = readFileSync(DOC, 'utf8');
  } catch {
    doc =
      '# Benchmarks\n\nEach section is written by the benchmark it names; ratios are measured side by side in one run, absolute times vary between machines.\n';
  }
  const section = [begin, ...lines, end].join('\n');
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  doc =
    start >= 0 && stop > start
      ? `${doc.slice(0, start)}${section}${doc.slice(stop + end.length)}`
      : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, doc);
  return section;
}
