// Extends the scaffolded webpack config (.config/ is never edited): nested plugins' logos are
// not copied by the base config, so the data source's and the panels' are copied here.
import CopyWebpackPlugin from 'copy-webpack-plugin';
import type { Configuration } from 'webpack';
import { merge } from 'webpack-merge';
import grafanaConfig, { type Env } from './.config/webpack/webpack.config';

const config = async (env: Env): Promise<Configuration> =>
  merge(await grafanaConfig(env), {
    plugins: [
      new CopyWebpackPlugin({
        patterns: [
          { from: 'datasource/img', to: 'datasource/img' },
          { from: 'panels/*/img/*', to: '[path][name][ext]' },
        ],
      }),
    ],
  });

export default config;
