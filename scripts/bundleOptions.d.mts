// Types for bundleOptions.mjs, which plain node runs (scripts/build.mjs) and TypeScript imports (the import bench).
import type { BuildOptions } from 'esbuild';

export function commonOptions(options: { production: boolean }): BuildOptions;
export function nodeOptions(options: { production: boolean }): BuildOptions;
