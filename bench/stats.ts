/** The middle value (the upper one of an even count): what every bench reports, robust to a noisy round. */
export function median(times: readonly number[]): number {
  return [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}
