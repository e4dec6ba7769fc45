import { ownEntry } from '@model';
import { ConfigError, loadConfig } from './config/config';
import { readVonageProjects } from './config/vonage';
import { demoCommand } from './demo';
import { exportCommand } from './importers/exportCommand';
import { importCommand } from './importers/importCommand';
import { vonageInsightsCommand } from './importers/vonageInsights/command';
import { startServer } from './server';
import { exitIfShutdownStalls } from './shutdown';
import { simulateCommand } from './simulator/command';
import { purgeCommand } from './store/purgeCommand';

type Command = (argv: string[]) => Promise<number>;

/** Runs until SIGINT / SIGTERM, then shuts down cleanly (or not at all: shutdown.ts). */
async function serve(): Promise<number> {
  const config = loadConfig();
  const running = await startServer(config, readVonageProjects());
  console.log(
    `collector listening on ${running.url} (store: ${running.store.kind}${config.databaseUrl ? '' : `, ${config.dataDir}`})`
  );
  if (config.tokens.length === 0) {
    console.warn('no tokens configured (COLLECTOR_TOKENS / COLLECTOR_TOKENS_FILE): every request will be refused');
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  exitIfShutdownStalls();
  await running.close();
  return 0;
}

const COMMANDS: Record<string, { run: Command; help: string }> = {
  serve: { run: serve, help: 'run the collector (configuration from the environment, see docs/collector.md)' },
  simulate: { run: simulateCommand, help: 'send simulated sessions to a collector (--help for options)' },
  purge: { run: purgeCommand, help: 'drop telemetry past its retention now (saved sessions are kept)' },
  demo: { run: demoCommand, help: 'run the collector on its embedded store with simulated sessions, live' },
  import: { run: importCommand, help: 'import rtcstats / webrtc-internals dumps into a session (--help for options)' },
  'vonage-insights': {
    run: vonageInsightsCommand,
    help: "import sessions from Vonage's Video Insights API, once or --follow (--help for options)",
  },
  export: { run: exportCommand, help: 'write one user of a session as a webrtc-internals dump (--help for options)' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.help}`);
  return `usage: collector <command> [options]\n\ncommands:\n${lines.join('\n')}`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = ownEntry(COMMANDS, name);
  if (!command) {
    console.error(`unknown command '${name}'\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`configuration error: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
