/**
 * A terminal's progress line ("\r  120/200 judged", rewritten in place) and the messages that come while it is open
 * (a wait for the cache's lock): a message ends the progress line first, so the two never run together on one line.
 */
export class ProgressLine {
  private open = false;

  constructor(private readonly err: NodeJS.WritableStream) {}

  /** Rewrites the progress line. */
  progress(text: string): void {
    this.err.write(`\r${text}`);
    this.open = true;
  }

  /** A line of its own (text ends with a newline), below the progress line when one is open. */
  message(text: string): void {
    this.err.write(this.open ? `\n${text}` : text);
    this.open = false;
  }

  /** Ends the progress line, if one is open. */
  end(): void {
    if (this.open) this.err.write('\n');
    this.open = false;
  }
}
