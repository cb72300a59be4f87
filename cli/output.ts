import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/**
 * Where a command writes: human text (aligned tables, colours on a TTY) or,
 * with `--json`, one JSON value per line for scripts. Results go to stdout,
 * progress and errors to stderr.
 */
export class Output {
  constructor(
    readonly json: boolean,
    readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  get colours(): boolean {
    return this.stdout.isTTY === true && !process.env.NO_COLOR;
  }

  /** Progress bars only where a person watches them. */
  get showsProgress(): boolean {
    return this.stderr.isTTY === true && !this.json;
  }

  style(format: Style, text: string): string {
    return this.colours ? styleText(format, text) : text;
  }

  line(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** One JSON value on one line. */
  data(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** `value` as JSON, or `human()` for people. */
  result(value: unknown, human: () => void): void {
    if (this.json) this.data(value);
    else human();
  }

  /** Columns padded to their widest cell; the header dimmed on a TTY. */
  table(columns: readonly string[], rows: readonly (readonly unknown[])[]): void {
    const cells = rows.map((row) =>
      row.map((cell) => (cell === undefined || cell === null ? '-' : String(cell))),
    );
    const widths = columns.map((title, i) =>
      Math.max(title.length, ...cells.map((row) => (row[i] ?? '').length)),
    );
    const render = (row: readonly string[]) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
    this.line(this.style('bold', render(columns)));
    for (const row of cells) this.line(render(row));
    if (rows.length === 0) this.line(this.style('dim', '(none)'));
  }

  /** `key: value` lines, keys aligned. */
  fields(entries: readonly (readonly [string, unknown])[]): void {
    const width = Math.max(...entries.map(([key]) => key.length));
    for (const [key, value] of entries) {
      this.line(
        `${this.style('dim', `${key}:`.padEnd(width + 1))} ${value === undefined || value === null ? '-' : String(value)}`,
      );
    }
  }
}

/** JSON of a value, cut to `max` characters on a terminal line. */
export function preview(value: unknown, max = 60): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
