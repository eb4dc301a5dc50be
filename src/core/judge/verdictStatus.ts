import type { VerdictRecord } from './runTypes';

/** How one verdict stands against its human label; the reports, the workbench and the CLI all say it this way. */
export type VerdictStatus = 'match' | 'mismatch' | 'failed';

/** Failed: the judge errored or gave no label. Otherwise its label agrees with the human's, or it does not. */
export function verdictStatus(v: Pick<VerdictRecord, 'error' | 'label' | 'humanLabel'>): VerdictStatus {
  if (v.error !== null || v.label === null) return 'failed';
  return v.label === v.humanLabel ? 'match' : 'mismatch';
}
