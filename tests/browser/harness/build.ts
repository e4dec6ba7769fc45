import webpack from 'webpack';
import { harnessConfig, harnessMode } from './webpack.config';

/** Bundles the harness page once per run in HARNESS_MODE (webpack's filesystem cache makes repeats quick). */
export function buildHarness(): Promise<void> {
  return new Promise((resolve, reject) => {
    webpack(harnessConfig(harnessMode()), (err, stats) => {
      if (err) {
        return reject(err);
      }
      if (stats?.hasErrors()) {
        return reject(new Error(stats.toString({ all: false, errors: true })));
      }
      resolve();
    });
  });
}
