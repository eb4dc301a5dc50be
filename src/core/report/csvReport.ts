import type { VerdictRecord } from '../judge/runTypes';
import { verdictStatus } from '../judge/verdictStatus';

const HEADER = ['id', 'split', 'repetition', 'human_label', 'judge_label', 'status', 'explanation', 'error', 'latency_ms', 'cached'];

/** RFC 4180 quoting; a leading =, +, - or @ is neutralised so a spreadsheet never runs trace text as a formula. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line per verdict, for a spreadsheet or a notebook. */
export function csvReport(verdicts: readonly VerdictRecord[]): string {
  const lines = [HEADER.join(',')];
  for (const v of verdicts) {
    lines.push(
      [v.exampleId, v.split, v.repetition, v.humanLabel, v.label, verdictStatus(v), v.explanation, v.error, v.latencyMs, v.cached ? 'yes' : 'no'].map(csvCell).join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
