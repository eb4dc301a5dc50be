// Lint, kept light: its main job is the layer rule below (src/core is plain TypeScript that both the extension and
// the CLI run, so it must not reach into the editor, the CLI, the webviews or the wire format). The recommended
// sets catch real slips; the rules turned off here would each need sweeping edits unrelated to what they guard.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Where core may not import from; a relative import that climbs out of src/core into one of these folders. */
const outsideCore = ['extension', 'cli', 'webview', 'protocol'];

const judgeMayNotImport = {
  regex: '^\\.\\./report(/|$)',
  message: 'src/core/judge may not import from src/core/report: reports read runs, never the reverse. Put what both need in src/core/judge.',
};

/** The layer rule for src/core, with any extra patterns for a folder (a later config replaces the rule's options whole). */
function coreImports(...extra) {
  return {
    paths: [{ name: 'vscode', message: 'src/core runs in the CLI too: take what you need from the editor as a parameter from src/extension.' }],
    patterns: [
      {
        regex: `^(\\.\\.?/)+(.+/)?(${outsideCore.join('|')})(/|$)`,
        message:
          'src/core may not import from src/extension, src/cli, src/webview, webview/ or src/protocol: move the shared piece into src/core, or the caller-specific piece out of it.',
      },
      ...extra,
    ],
  };
}

export default defineConfig(
  { ignores: ['dist/', 'out/', 'node_modules/', '.cache/', '.vscode-test/', 'test-results/', 'coverage/', 'media/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // TypeScript already reports unknown names (with the DOM and Node types), more precisely than this rule can.
      'no-undef': 'off',
      // A leading underscore marks a binding left unused on purpose (dropping keys by destructuring them out).
      '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      // `any` appears at the edges where untyped JSON from platforms and SDKs comes in; typing each is its own task.
      '@typescript-eslint/no-explicit-any': 'off',
      // Ternaries used as statements (`ok ? resolve() : reject(e)`, counting into one of two cells) are a house idiom.
      '@typescript-eslint/no-unused-expressions': ['error', { allowTernary: true }],
      // Redundant escapes such as `[\-]` in character classes are harmless and kept for readability; dropping them
      // means editing regular expressions across files for no change in behaviour.
      'no-useless-escape': 'off',
      // Flags defaults set before a try/finally that every path then overwrites (session.ts's run status); they are
      // there so a throw still leaves a sensible value, which the rule cannot see.
      'no-useless-assignment': 'off',
      // Tests match help and report text whose indentation is literal spaces; `/^Usage:\n  judge-align/` reads as
      // the output looks, `{2}` would not.
      'no-regex-spaces': 'off',
    },
  },
  {
    // The activation probe times `require` itself: that is what it measures.
    files: ['test/integration/host/activationProbe.ts'],
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  { files: ['src/core/**/*.ts'], rules: { 'no-restricted-imports': ['error', coreImports()] } },
  // Reports read stored runs (src/core/report imports src/core/judge); the judge never needs a report, so the
  // two cannot come to depend on each other.
  { files: ['src/core/judge/**/*.ts'], rules: { 'no-restricted-imports': ['error', coreImports(judgeMayNotImport)] } },
);
