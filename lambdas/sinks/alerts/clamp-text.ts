/** `text` cut to `max` characters (code points, so no emoji or CJK character is split), an ellipsis marking the cut. */
export function clampText(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`;
}
