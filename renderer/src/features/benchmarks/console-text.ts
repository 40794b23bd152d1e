/** Console output as lines, with carriage returns resolved (pure, unit-tested). */

export const MAX_LINES = 400;

export interface ConsoleText {
  lines: string[];
  /** A carriage return was the last thing seen: the next text replaces the current line. */
  cr: boolean;
}

/** Appends output: `\r` sends the next text to the start of the line, `\n` ends it. */
export function appendOutput(state: ConsoleText, chunk: string): ConsoleText {
  const lines = state.lines.length ? state.lines.slice() : [''];
  let cr = state.cr;
  for (const part of chunk.split(/(\r\n|\n|\r)/)) {
    if (part === '\n' || part === '\r\n') {
      lines.push('');
      cr = false;
    } else if (part === '\r') cr = true;
    else if (part) {
      lines[lines.length - 1] = cr ? part : lines[lines.length - 1]! + part;
      cr = false;
    }
  }
  return { lines: lines.length > MAX_LINES ? lines.slice(lines.length - MAX_LINES) : lines, cr };
}
