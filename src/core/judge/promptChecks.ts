import { checkVariables, type ParsedPromptFile, type PromptDiagnostic } from './promptFile';
import { pairwiseProblems, presentedRow, templateFields } from '../pairwise/pairVerdicts';
import type { LocalDataset } from '../datasets/localDataset';
import type { JudgeConfig } from './frontMatter';
import { renderChecks } from './renderChecks';
import { describeOutside, humanLabelSet, labelsOutsideSet, matchHumanLabel } from './humanLabels';

/** One wording for the editor and the CLI. */
export function outsideSetMessage(outside: readonly (readonly [string, number])[]): string {
  return (
    `Human labels outside \`labels\` (also after ignoring case, spacing and quotes): ${describeOutside(outside)}. ` +
    'Those rows are not judged and are counted apart; add the label to `labels` or fix the data.'
  );
}

/**
 * Everything wrong with a prompt file, before any run: front matter, variables, the dataset, and what the rows
 * would render (over the rows a run judges: labelled, in the set; a dataset with none yet is checked whole).
 */
export function promptDiagnostics(
  text: string,
  parsed: ParsedPromptFile,
  dataset: LocalDataset | undefined,
  datasetError: string | undefined,
): PromptDiagnostic[] {
  const out = [...parsed.diagnostics];
  const config = parsed.config;
  if (!config) return out;
  const datasetRange = valueRange(text, 'dataset');
  if (datasetError) {
    out.push({ severity: 'error', code: 'dataset', message: datasetError, ...datasetRange });
    return out;
  }
  if (!dataset) return out;
  const unknownVariables = checkVariables(parsed, templateFields(config, dataset.fieldPaths));
  out.push(...pairwiseDiagnostics(text, config, parsed.variables, dataset.fieldPaths));
  out.push(...unknownVariables);
  // What the rows would render is worth checking once every variable names a field: a typo is the first fix.
  if (unknownVariables.length === 0) {
    // The rows a run of the whole dataset judges: labelled, with a human label in the set (see plan.ts).
    const judged = dataset.rows.filter((r) => r.humanLabel !== null && matchHumanLabel(r.humanLabel, humanLabelSet(config)) !== undefined);
    // A pairwise row is checked as the judge first sees it, with response_a and response_b filled in.
    const shown = (judged.length > 0 ? judged : dataset.rows).map((r) => (config.pairwise ? { ...r, data: presentedRow(r.data, config.pairwise, 'original') } : r));
    out.push(...renderChecks({ config, body: parsed.body, variables: parsed.variables }, shown));
  }
  const outside = labelsOutsideSet(dataset.labels, humanLabelSet(config));
  if (outside.length > 0) {
    out.push({
      severity: 'warning',
      code: 'human-label-outside-set',
      message: outsideSetMessage(outside),
      ...valueRange(text, 'labels'),
    });
  }
  if (dataset.labelled === 0) {
    out.push({
      severity: 'warning',
      code: 'no-labelled-rows',
      message: `No row of the dataset has a human label in "${config.label}": there is nothing to measure agreement against.`,
      ...valueRange(text, 'label'),
    });
  }
  return out;
}

/** What keeps a pairwise prompt from judging (see pairwiseProblems), as errors on its `pairwise:` key. */
export function pairwiseDiagnostics(text: string, config: JudgeConfig, variables: readonly { readonly path: string }[], fieldPaths: readonly string[]): PromptDiagnostic[] {
  if (!config.pairwise) return [];
  return pairwiseProblems(config.pairwise, variables, fieldPaths).map((message) => ({ severity: 'error', code: 'pairwise', message, ...valueRange(text, 'pairwise') }));
}

/** Where the value of a top-level front-matter key is written (the key's line when it has no inline value). */
export function valueRange(text: string, key: string): { start: number; end: number } {
  const match = new RegExp(`^${key}:[ \\t]*(.*)$`, 'm').exec(text);
  if (!match) return { start: 0, end: Math.min(3, text.length) };
  const start = match.index + match[0].length - (match[1] ?? '').length;
  const end = match.index + match[0].length;
  return end > start ? { start, end } : { start: match.index, end };
}

