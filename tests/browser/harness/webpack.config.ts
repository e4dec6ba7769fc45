// Bundles the browser-test harness page: the real pages and panels with every dependency
// inlined (no Grafana to provide @grafana/* at run time). Webpack, like the plugin itself:
// esbuild breaks @grafana/ui's Table on a CommonJS default-export interop.
import path from 'node:path';
import type { Configuration } from 'webpack';

const root = path.resolve(__dirname, '../../..');

/**
 * `development` for the tests (React's warnings and checks); `production` (HARNESS_MODE=production)
 * for the benches: what Grafana serves its users, React's production build and emotion inserting
 * its rules into the style sheet instead of a <style> element per rule, minified.
 */
export type HarnessMode = 'development' | 'production';

export const harnessMode = (): HarnessMode =>
  process.env.HARNESS_MODE === 'production' ? 'production' : 'development';

/** Where each mode's bundle goes (and where the harness server reads it). */
export const harnessDist = (mode: HarnessMode) =>
  path.join(root, mode === 'production' ? 'test-results/harness-dist-production' : 'test-results/harness-dist');

export const harnessConfig = (mode: HarnessMode): Configuration => ({
  mode,
  devtool: false,
  context: root,
  entry: { harness: path.join(__dirname, 'main.tsx') },
  cache: { type: 'filesystem', cacheDirectory: path.join(root, `node_modules/.cache/harness-webpack-${mode}`) },
  resolve: {
    extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs'],
    modules: [path.join(root, 'src'), 'node_modules'],
  },
  module: {
    rules: [
      {
        exclude: /node_modules/,
        test: /\.[tj]sx?$/,
        use: {
          loader: 'swc-loader',
          options: { jsc: { target: 'es2020', parser: { syntax: 'typescript', tsx: true, dynamicImport: true } } },
        },
      },
      { test: /\.m?js$/, resolve: { fullySpecified: false } },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(png|jpe?g|gif|svg|woff2?|eot|ttf|otf)$/, type: 'asset/resource' },
    ],
  },
  output: {
    path: harnessDist(mode),
    filename: '[name].js',
    chunkFilename: '[name].chunk.js',
    publicPath: '/bundle/',
    clean: true,
  },
  performance: { hints: false },
});
