import webpack from 'webpack';
import { harnessConfig } from './webpack.config';

/** Bundles the harness page once per run (webpack's filesystem cache makes repeats quick). */
export function buildHarness(): Promise<void> {
  return new Promise((resolve, reject) => {
    webpack(harnessConfig, (err, stats) => {
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
