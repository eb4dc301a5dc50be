/** One judged row as the metrics see it: plain data, so the CLI, the extension and tests build it alike. */
export interface VerdictForMetrics {
  readonly exampleId: string;
  readonly split?: 'dev' | 'test';
  /** Ground truth; null when no human labelled the example. */
  readonly humanLabel: string | null;
  /** What the judge answered; null when it answered nothing usable. */
  readonly judgeLabel: string | null;
  /** The judge call failed (HTTP error, timeout, unparseable answer, label outside the set). */
  readonly failed: boolean;
  /** Why it failed, when the judge answered with a label outside the set (counted in errorBreakdown apart). */
  readonly failure?: 'label_outside_set';
  /** 0-based; absent means 0. */
  readonly repetition?: number;
}

export interface BootstrapOptions {
  /** Resamples for the corrected pass rate interval (default 2,000; 0 turns the interval off). */
  readonly resamples?: number;
  /** Seed of the generator, so the interval is the same on every run (default 20240601). */
  readonly seed?: number;
}

export interface MetricOptions {
  /** The allowed labels, in order (the order matters for ordinal labels). */
  readonly labels: readonly string[];
  /** The positive class for binary figures (TPR, TNR, pass rate); default the first label. */
  readonly positive?: string;
  /** Labels are ordered as listed: adds linear and quadratic weighted kappa. */
  readonly ordinal?: boolean;
  readonly bootstrap?: BootstrapOptions;
}

export interface LabelScores {
  /** Of the rows the judge gave this label, the share humans gave it too; null when the judge never gave it. */
  readonly precision: number | null;
  /** Of the rows humans gave this label, the share the judge found; null when humans never gave it. */
  readonly recall: number | null;
  /** Harmonic mean; 0 when either side is 0, null when both are undefined. */
  readonly f1: number | null;
  /** Scored rows whose human label is this one. */
  readonly support: number;
}

export interface BinaryMetrics {
  readonly positive: string;
  /** Share of human-positive rows the judge called positive (the judge as a classifier of the human label). */
  readonly tpr: number | null;
  /** Share of human-negative rows the judge called negative. */
  readonly tnr: number | null;
  /** Share of positive answers among the scored rows that humans labelled (the raw pass rate). */
  readonly humanPassRate: number | null;
  /** p_obs: share of positive judge answers on the rows named by observedOn. */
  readonly observedPassRate: number | null;
  /**
   * Which rows p_obs is measured on. 'unlabelled' when the judge also answered rows without a human label:
   * the corrected rate then estimates the true pass rate there. 'labelled' otherwise: p_obs comes from the
   * same rows as TPR and TNR, so the corrected rate equals humanPassRate by construction.
   */
  readonly observedOn: 'labelled' | 'unlabelled';
  /** How many judge answers p_obs counts. */
  readonly observedRows: number;
  /** theta = (p_obs + TNR - 1) / (TPR + TNR - 1), clipped to [0, 1]; null when not estimable. */
  readonly correctedPassRate: number | null;
  /** Percentile bootstrap 95% interval of theta; null when not estimable or too few resamples were. */
  readonly correctedPassRateCi: [number, number] | null;
  /** TPR + TNR > 1 on the data (and both are known). */
  readonly estimable: boolean;
  /** Why theta, or its interval, is missing. */
  readonly reason?: string;
  /** How the interval was made: resamples drawn, how many gave an estimable theta, and the seed. */
  readonly bootstrap: { readonly resamples: number; readonly estimable: number; readonly seed: number } | null;
}

export interface RepeatStats {
  /** Examples with at least two judge answers (not failed) across repetitions: the ones that could flip. */
  readonly examples: number;
  /** Examples whose judge labels differ between repetitions. */
  readonly flipped: number;
  readonly flipRate: number | null;
}

export interface WeightedKappa {
  readonly linear: number | null;
  readonly quadratic: number | null;
  /** Scored rows on the ordered scale: a human label outside the labels has no place on it and is left out. */
  readonly n: number;
}

export interface AlignmentMetrics {
  /** Rows considered: the first repetition of each example (repetition 0 when present). rows = n + errors + unlabelled. */
  readonly rows: number;
  /** Scored rows: a human label and a judge label from the set, not failed. */
  readonly n: number;
  readonly matches: number;
  /** matches / n; null when n = 0. */
  readonly agreement: number | null;
  /** Wilson score 95% interval of agreement; null when n = 0. */
  readonly agreementCi: [number, number] | null;
  /**
   * Cohen's kappa over the scored rows. Null when n = 0, and null when chance agreement is already 1 (every
   * scored row has one and the same label from both sides): kappa is then 0/0, and neither 1 nor 0 would be
   * honest; agreement still shows 100%. kappaReason says which.
   */
  readonly kappa: number | null;
  readonly kappaReason?: string;
  /** With ordinal labels: weighted kappa with disagreement weights |i-j|/(k-1) and ((i-j)/(k-1))². */
  readonly weightedKappa?: WeightedKappa;
  /** human label → judge label → count over scored rows; every allowed label present, zeros included, plus one row per human label outside the set. */
  readonly confusion: Record<string, Record<string, number>>;
  readonly perLabel: Record<string, LabelScores>;
  /** Rows with a human label the judge failed on (error, unparseable, label outside the set): counted, never scored. */
  readonly errors: number;
  /** errors split by cause: failed calls, and answers naming a label outside the set that were not flagged as failed. */
  readonly errorBreakdown: { readonly failed: number; readonly judgeLabelOutsideSet: number };
  /** Rows without a human label (whatever the judge did with them). */
  readonly unlabelled: number;
  /** Exactly two labels: the judge as a classifier of the human label, and the bias-corrected pass rate. */
  readonly binary?: BinaryMetrics;
  /** Present when some row has a repetition above 0. */
  readonly repeats?: RepeatStats;
}
