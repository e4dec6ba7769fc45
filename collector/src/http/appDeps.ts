import type { CollectorConfig } from '../config/config';
import type { VonageProject } from '../config/vonage';
import type { IngestAdmission } from '../ingest/admission';
import type { Store } from '../store/store';

/** What every route module is given: the store, the configuration and the ingest backpressure. */
export interface AppDeps {
  store: Store;
  config: CollectorConfig;
  /** Backpressure shared by every route that writes telemetry. */
  admission: IngestAdmission;
  /** Vonage projects whose callbacks this collector receives (VONAGE_PROJECTS, docs/vonage.md). */
  vonage?: VonageProject[];
}
