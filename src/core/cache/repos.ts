import type { Db } from './driver';
import { annotationsRepository } from './repositories/annotations';
import { datasetsRepository } from './repositories/datasets';
import { examplesRepository } from './repositories/examples';
import { labelConfigsRepository } from './repositories/labelConfigs';
import { responsesRepository } from './repositories/responses';
import { runsRepository } from './repositories/runs';
import { sourcesRepository } from './repositories/sources';
import { verdictsRepository } from './repositories/verdicts';
import { pruneRuns, type PruneCounts } from './retention';
import { scalar } from './sql';

export interface CacheStats {
  readonly sources: number;
  readonly datasets: number;
  readonly examples: number;
  readonly annotations: number;
  readonly runs: number;
  readonly verdicts: number;
  readonly responses: number;
}

/** The typed view of one database: what `cache.read` and `cache.write` hand to their callback. */
export function makeRepositories(db: Db) {
  return {
    sources: sourcesRepository(db),
    datasets: datasetsRepository(db),
    examples: examplesRepository(db),
    annotations: annotationsRepository(db),
    runs: runsRepository(db),
    verdicts: verdictsRepository(db),
    responses: responsesRepository(db),
    labelConfigs: labelConfigsRepository(db),
    /** Drops the runs a compaction does not keep, their verdicts and the answers nothing refers to (see pruneRuns). */
    prune(keepPerPrompt: number): PruneCounts {
      return pruneRuns(db, keepPerPrompt);
    },
    stats(): CacheStats {
      const count = (table: string) => Number(scalar(db, `SELECT COUNT(*) FROM ${table}`) ?? 0);
      return {
        sources: count('sources'),
        datasets: count('datasets'),
        examples: count('examples'),
        annotations: count('annotations'),
        runs: count('runs'),
        verdicts: count('verdicts'),
        responses: count('responses'),
      };
    },
  };
}

export type Repositories = ReturnType<typeof makeRepositories>;
