export interface VerdictForMetrics {
  readonly exampleId: string;
  readonly split?: 'dev' | 'test';
  readonly humanLabel: string | null;
  readonly judgeLabel: string | null;
  readonly failed: boolean;
  readonly repetition?: number;
}

export interface MetricOptions {
  readonly labels: readonly string[];
  /** The positive class for binary figures (TPR, TNR, pass rate); default the first label. */
  readonly positive?: string;
  /** Labels are ordered as listed: adds linear and quadratic weighted kappa. */
  readonly ordinal?: boolean;
  readonly bootstrap?: { readonly resamples?: number; readonly seed?: number };
}

export interface LabelScores {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  readonly support: number;
}

export interface BinaryMetrics {
  readonly positive: string;
  readonly tpr: number | null;
  readonly tnr: number | null;
  readonly observedPassRate: number | null;
  readonly correctedPassRate: number | null;
  readonly correctedPassRateCi: [number, number] | null;
  readonly estimable: boolean;
  readonly reason?: string;
}

export interface AlignmentMetrics {
  /** Rows with a human label and a judge label, not failed. */
  readonly n: number;
  readonly matches: number;
  readonly agreement: number | null;
  readonly agreementCi: [number, number] | null;
  readonly kappa: number | null;
  readonly weightedKappa?: { readonly linear: number | null; readonly quadratic: number | null };
  /** human label → judge label → count, every allowed label present. */
  readonly confusion: Record<string, Record<string, number>>;
  readonly perLabel: Record<string, LabelScores>;
  /** Rows the judge failed on (error, unparseable, label outside the set): counted, never scored. */
  readonly errors: number;
  /** Rows without a human label. */
  readonly unlabelled: number;
  readonly binary?: BinaryMetrics;
}
