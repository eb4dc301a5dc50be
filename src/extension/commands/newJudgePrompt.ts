import * as vscode from 'vscode';

const TEMPLATE = `---
dataset: ./data.jsonl            # a .jsonl or .csv file, relative to this prompt
label: label                     # the field that holds the human label
labels:                          # the labels the judge may answer, with what each means
  pass: The response does what the user asked, correctly.
  fail: The response is wrong, incomplete, or off-topic.
model: gpt-4o-mini
temperature: 0
---
You are judging an assistant's response.

[Question]: {{input}}

[Response]: {{output}}

Decide whether the response passes.
`;

export async function newJudgePrompt(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const name = await vscode.window.showInputBox({
    title: 'Judge Align: New Judge Prompt',
    prompt: 'File name for the judge prompt (saved in the first workspace folder)',
    value: 'my-judge.judge.md',
    validateInput: (v) => (/^[\w.\- /]+\.judge\.md$/.test(v.trim()) ? undefined : 'Use a name ending in .judge.md'),
  });
  if (!name) return;
  if (!folder) {
    const doc = await vscode.workspace.openTextDocument({ language: 'judge-prompt', content: TEMPLATE });
    await vscode.window.showTextDocument(doc);
    return;
  }
  const uri = vscode.Uri.joinPath(folder.uri, name.trim());
  try {
    await vscode.workspace.fs.stat(uri);
    void vscode.window.showWarningMessage(`${name} already exists: opened it instead of overwriting it.`);
  } catch {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(TEMPLATE));
  }
  await vscode.window.showTextDocument(uri);
}
