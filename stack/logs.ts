/** How the stack shows its services' logs: one line each, prefixed with the process's label, coloured on a terminal. */

const COLOURS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m'];
const RESET = '\x1b[0m';

/** A pino JSON line as `LEVEL msg  key=value ...`; anything else as it is. */
export function formatLogLine(line: string): string {
  try {
    const { level, msg, time, service, ...rest } = JSON.parse(line) as Record<string, unknown>;
    const extra = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return `${String(level).toUpperCase().padEnd(5)} ${String(msg)}${extra ? `  ${extra}` : ''}`;
  } catch {
    return line;
  }
}

/** `[label] `, in the colour of the `index`th service when `colour` (stdout is a terminal). */
export function logPrefix(label: string, index: number, colour: boolean): string {
  return colour ? `${COLOURS[index % COLOURS.length] ?? ''}[${label}]${RESET} ` : `[${label}] `;
}
