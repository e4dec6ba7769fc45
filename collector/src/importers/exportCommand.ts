import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config';
import { openStore } from '../store/openStore';
import { exportInternals } from './internalsExport';

const USAGE = `usage: collector export --project P --session S --user U [--out file.json]

Writes one user of a session (whatever its source) as a chrome://webrtc-internals dump, to stdout
or --out, from the store configured from the environment (DATABASE_URL, or PGlite in DATA_DIR).
The dump imports back with \`collector import\`.`;

export async function exportCommand(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        project: { type: 'string' },
        session: { type: 'string' },
        user: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const missing = (['project', 'session', 'user'] as const).filter((k) => !values[k]);
  if (missing.length > 0) {
    console.error(`${missing.map((k) => `--${k} is required`).join('; ')}\n${USAGE}`);
    return 2;
  }
  const store = await openStore(loadConfig());
  try {
    const { dump } = await exportInternals(
      store,
      values.project as string,
      values.session as string,
      values.user as string
    );
    if (Object.keys(dump.PeerConnections).length === 0) {
      console.error(`user ${values.user} has no connection in session ${values.session} of project ${values.project}`);
      return 1;
    }
    const text = JSON.stringify(dump);
    if (values.out) {
      writeFileSync(values.out, text);
      console.error(
        `${values.out}: ${Object.keys(dump.PeerConnections).length} peer connections, ${text.length} bytes`
      );
    } else {
      process.stdout.write(text);
    }
    return 0;
  } finally {
    await store.close();
  }
}
