/**
 * The unit layer runs the cache tests a second and third time with JUDGE_ALIGN_SQLJS_FALLBACK set (see
 * scripts/test.mjs), so the plain sql.js path stays tested. Suites about the native paths themselves skip then.
 */
export const skipWhenNativeIsOff: string | false = process.env.JUDGE_ALIGN_SQLJS_FALLBACK
  ? `JUDGE_ALIGN_SQLJS_FALLBACK=${process.env.JUDGE_ALIGN_SQLJS_FALLBACK} turns the native paths off for this pass`
  : false;
