import type { RecordSource } from '@model';
import type { IngestRecord } from '../model/records';
import type { Store } from '../store/store';
import { writeBatch } from './writeBatch';

interface Pending {
  project: string;
  records: IngestRecord[];
  /** The sessions of `records`, as `sessionKey`s. */
  sessions: string[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** At most this many requests share one transaction, so one commit stays short. */
const MAX_GROUP = 256;

const sessionKey = (project: string, sessionId: string) => JSON.stringify([project, sessionId]);

/**
 * Commits small writes that arrive together in one transaction per project (group commit):
 * each caller's promise settles once its records are committed, so a receiver that answers
 * after it never acknowledges what it could lose, and 50 senders at once cost a few
 * transactions instead of 50. A group starts as soon as a commit slot is free (a lone write
 * waits for nothing); while `inFlight` groups commit, the next one fills. A session is in one
 * commit at a time, so a connection's records are resolved to its user (connectionUsers.ts)
 * seeing every earlier one, as with a single writer; concurrent groups touch different rows.
 * If a shared transaction fails, each write is retried on its own, so one bad write fails only
 * its own caller.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private readonly committing = new Set<string>();
  private running = 0;
  private scheduled = false;
  private readonly settled = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly source: RecordSource,
    private readonly inFlight = 1
  ) {}

  write(project: string, records: IngestRecord[]): Promise<void> {
    const sessions = [...new Set(records.map((r) => sessionKey(project, r.sessionId)))];
    return new Promise((resolve, reject) => {
      this.queue.push({ project, records, sessions, resolve, reject });
      if (!this.scheduled) {
        // Let the writes that arrived in the same turn of the event loop join the group.
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.start();
        });
      }
    });
  }

  /** Settles once everything queued so far is committed (or has failed). */
  async idle(): Promise<void> {
    while (this.running > 0 || this.queue.length > 0) {
      await new Promise<void>((r) => this.settled.add(r));
    }
  }

  /** Starts groups while slots are free and queued writes are not held by a session in commit. */
  private start(): void {
    while (this.running < this.inFlight) {
      const group = this.takeGroup();
      if (group.length === 0) {
        return;
      }
      this.running++;
      void this.commitGroup(group).finally(() => {
        this.running--;
        group.forEach((w) => w.sessions.forEach((key) => this.committing.delete(key)));
        this.settled.forEach((r) => r());
        this.settled.clear();
        this.start();
      });
    }
  }

  /** Up to MAX_GROUP queued writes of one project, none of a session already in commit. */
  private takeGroup(): Pending[] {
    const group: Pending[] = [];
    const rest: Pending[] = [];
    const taken = new Set<string>();
    for (const w of this.queue) {
      const fits = group.length < MAX_GROUP && (group.length === 0 || w.project === group[0].project);
      if (fits && w.sessions.every((key) => taken.has(key) || !this.committing.has(key))) {
        group.push(w);
        w.sessions.forEach((key) => taken.add(key));
      } else {
        rest.push(w);
      }
    }
    this.queue = rest;
    taken.forEach((key) => this.committing.add(key));
    return group;
  }

  private async commitGroup(writes: Pending[]): Promise<void> {
    const project = writes[0].project;
    try {
      await writeBatch(
        this.store,
        project,
        writes.flatMap((w) => w.records),
        { source: this.source }
      );
      writes.forEach((w) => w.resolve());
    } catch (err) {
      if (writes.length === 1) {
        writes[0].reject(err);
        return;
      }
      for (const w of writes) {
        await this.commitGroup([w]);
      }
    }
  }
}
