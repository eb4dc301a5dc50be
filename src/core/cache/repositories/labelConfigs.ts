import type { Db } from '../driver';
import { all, json, now, one, type Row } from '../sql';

export type LabelKind = 'categorical' | 'binary' | 'score';

export interface LabelConfig {
  readonly name: string;
  readonly datasetKey: string;
  readonly kind: LabelKind;
  readonly labels: string[];
}

const toConfig = (r: Row): LabelConfig => ({ name: String(r.name), datasetKey: String(r.dataset_key), kind: String(r.kind) as LabelKind, labels: json(r.labels_json, []) });

export function labelConfigsRepository(db: Db) {
  return {
    save(config: LabelConfig): void {
      const stamp = now();
      db.run(
        `INSERT INTO label_configs(name, dataset_key, kind, labels_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(dataset_key, name) DO UPDATE SET kind = excluded.kind, labels_json = excluded.labels_json, updated_at = excluded.updated_at`,
        [config.name, config.datasetKey, config.kind, JSON.stringify(config.labels), stamp, stamp],
      );
    },
    get(datasetKey: string, name: string): LabelConfig | undefined {
      const r = one(db, 'SELECT * FROM label_configs WHERE dataset_key = ? AND name = ?', [datasetKey, name]);
      return r ? toConfig(r) : undefined;
    },
    list(datasetKey?: string): LabelConfig[] {
      return (datasetKey ? all(db, 'SELECT * FROM label_configs WHERE dataset_key = ? ORDER BY name', [datasetKey]) : all(db, 'SELECT * FROM label_configs ORDER BY name')).map(toConfig);
    },
  };
}
