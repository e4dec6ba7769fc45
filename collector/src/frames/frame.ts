import type { DataFrameJSON, FieldSchema, FieldTypeName, GoTypeName } from '@model';

/** Column kinds we emit, each mapped once to Grafana's field type and Go frame type. */
export type ColumnKind =
  'time' | 'nullableTime' | 'number' | 'nullableNumber' | 'int' | 'string' | 'nullableString' | 'bool';

const KINDS: Record<ColumnKind, { type: FieldTypeName; frame: GoTypeName; nullable?: boolean }> = {
  time: { type: 'time', frame: 'time.Time' },
  nullableTime: { type: 'time', frame: 'time.Time', nullable: true },
  number: { type: 'number', frame: 'float64' },
  nullableNumber: { type: 'number', frame: 'float64', nullable: true },
  int: { type: 'number', frame: 'int64' },
  string: { type: 'string', frame: 'string' },
  nullableString: { type: 'string', frame: 'string', nullable: true },
  bool: { type: 'boolean', frame: 'bool' },
};

export interface Column {
  name: string;
  kind: ColumnKind;
  values: unknown[];
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
}

export interface FrameOptions {
  name?: string;
  refId?: string;
  meta?: Record<string, unknown>;
}

/** The one place that builds Grafana DataFrameJSON (times as epoch ms, typeInfo for Go). */
export function frame(columns: Column[], options: FrameOptions = {}): DataFrameJSON {
  const fields: FieldSchema[] = columns.map((c) => {
    const k = KINDS[c.kind];
    const field: FieldSchema = {
      name: c.name,
      type: k.type,
      typeInfo: { frame: k.frame, ...(k.nullable ? { nullable: true } : {}) },
    };
    if (c.labels) {
      field.labels = c.labels;
    }
    if (c.config) {
      field.config = c.config;
    }
    return field;
  });
  // Grafana's SDK stamps typeVersion [0, 0] on a meta that has none: stamped here too, so the
  // answer is exactly what Grafana receives (the golden round trip in pkg/plugin checks it).
  const meta = options.meta ? { meta: { typeVersion: [0, 0], ...options.meta } } : {};
  return {
    schema: { ...options, ...meta, fields },
    data: { values: columns.map((c) => c.values) },
  };
}
