import type { SaveBatch } from '../../../src/core/sources/pull';
import { saveSourceBatch } from '../../../src/core/sources/store';

/** The real store, typed as the orchestrator's dependency: pull tests exercise the same save the editor and CLI use. */
export const saveBatchForTests: SaveBatch = saveSourceBatch;
