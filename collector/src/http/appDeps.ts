import type { CollectorConfig } from '../config/config';
import type { Store } from '../store/store';

/** What every route module is given: the store and the configuration. */
export interface AppDeps {
  store: Store;
  config: CollectorConfig;
}
