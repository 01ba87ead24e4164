import type pc from 'picocolors';
import type { Severity } from '../../engine/model.js';

/** picocolors' palette, real or no-op (`createColors(false)`). */
export type Colors = ReturnType<typeof pc.createColors>;
/** Colours one piece of text. */
export type Paint = (text: string) => string;

/** A marker per severity that still reads without colour (`--no-color`, CI logs). */
export const MARKERS: Readonly<Record<Severity, string>> = {
  critical: '✖',
  high: '▲',
  medium: '◆',
  low: '●',
  info: '○',
};

/** The colour of a severity: red shades for what needs action, dim for information. */
export function severityPaint(c: Colors, severity: Severity): Paint {
  switch (severity) {
    case 'critical':
      return (t) => c.bold(c.red(t));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    case 'info':
      return c.dim;
  }
}

/** `✖ CRITICAL`, padded so titles line up (`▲ HIGH    `) when `pad` is set, and painted. */
export function severityLabel(c: Colors, severity: Severity, pad = false): string {
  const label = `${MARKERS[severity]} ${severity.toUpperCase()}`;
  return severityPaint(c, severity)(pad ? label.padEnd(10) : label);
}
