import type { RecordSource } from '@model';
import type { IngestRecord } from '../model/records';
import type { Store } from '../store/store';
import { writeBatch } from './writeBatch';

interface Pending {
  project: string;
  records: IngestRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** At most this many requests share one transaction, so one commit stays short. */
const MAX_GROUP = 256;

/**
 * Commits small writes that arrive together in one transaction per project (group commit):
 * each caller's promise settles once its records are committed, so a receiver that answers
 * after it never acknowledges what it could lose, and 50 senders at once cost a few
 * transactions instead of 50. If a shared transaction fails, each write is retried on its own,
 * so one bad write fails only its own caller.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly source: RecordSource
  ) {}

  write(project: string, records: IngestRecord[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ project, records, resolve, reject });
      this.running ??= this.drain().finally(() => {
        this.running = undefined;
      });
    });
  }

  /** Settles once everything queued so far is committed (or has failed). */
  async idle(): Promise<void> {
    while (this.running) {
      await this.running;
    }
  }

  private async drain(): Promise<void> {
    // Let the writes that arrived in the same turn of the event loop join the first group.
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      const byProject = new Map<string, Pending[]>();
      for (const p of group) {
        byProject.set(p.project, [...(byProject.get(p.project) ?? []), p]);
      }
      for (const [project, writes] of byProject) {
        await this.commit(project, writes);
      }
    }
  }

  private async commit(project: string, writes: Pending[]): Promise<void> {
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
        await this.commit(project, [w]);
      }
    }
  }
}
