/** What each bench returns: lines for people, numbers for machines. */
export interface BenchResult {
  readonly name: string;
  readonly lines: string[];
  readonly data: Record<string, number>;
}
