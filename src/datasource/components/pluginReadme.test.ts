import { readFileSync } from 'fs';
import { join } from 'path';
import { ALL_QUERY_TYPES } from '../../model';
import { QUERY_TYPES } from './options';

// src/README.md is the page Grafana shows for the plugin: it must not fall behind the editor.
describe('the plugin README', () => {
  const rows = readFileSync(join(__dirname, '../../README.md'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('| '))
    .map((l) => l.split('|')[1].trim());

  it('has a row for every query type, by the name the query editor shows', () => {
    const labels = ALL_QUERY_TYPES.map((t) => QUERY_TYPES.find((o) => o.value === t)?.label);
    expect(labels).not.toContain(undefined);
    for (const label of labels) {
      expect(rows).toContain(label);
    }
  });
});
