/** Colour in terminal output: plain ANSI SGR codes, and when to use them. */

/** The styles the summary uses. */
export type Style = 'green' | 'red' | 'yellow' | 'dim';

/** Wraps text in a style, or returns it unchanged when colour is off. */
export type Paint = (style: Style, text: string) => string;

const SGR: Record<Style, [on: string, off: string]> = {
  green: ['\x1b[32m', '\x1b[39m'],
  red: ['\x1b[31m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  dim: ['\x1b[2m', '\x1b[22m'],
};

// CSI ... final byte: covers the SGR codes above and any a caller may have added.
const ANSI_ESCAPE = /\x1b\[[0-9;]*[A-Za-z]/g;

/**
 * Whether to colour output to `stream`: never when `NO_COLOR` is set and non-empty
 * (https://no-color.org), always when `FORCE_COLOR` is set and not `0`, otherwise on a TTY.
 */
export function shouldUseColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return stream.isTTY === true;
}

/** A {@link Paint} that colours when `color` is true and is the identity otherwise. */
export function painter(color: boolean): Paint {
  return color ? (style, text) => `${SGR[style][0]}${text}${SGR[style][1]}` : (_style, text) => text;
}

/** Removes ANSI escape sequences, for files and width measurements. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}
