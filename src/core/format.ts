/** Figures as people read them in lenses, the CLI and reports. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : `${(value * 100).toFixed(digits)}%`;
}

export function formatKappa(value: number | null | undefined): string {
  return value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(2);
}
