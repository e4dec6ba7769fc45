// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  // @grafana/data 13 pulls d3 packages that ship only .mjs: transform them like .js.
  transform: { ...base.transform, '^.+\\.mjs$': base.transform['^.+\\.(t|j)sx?$'] },
  // Editor tests open @grafana/ui selects, which take seconds on a busy two-core machine; this
  // is a hang guard, not a performance assertion.
  testTimeout: 30_000,
};
