// A linear model as people write it: `y = 4.2 + 2.97·x − 0.5·z` (a minus sign, not "+ -0.5").
// A wide model shows its `maxTerms` largest terms (by |weight|, in column order) and says how many
// it leaves out: five hundred terms on one line read as nothing.
export function linearEquation(
  bias: number,
  weights: readonly (readonly [string, number])[],
  format: (value: number) => string,
  maxTerms = Infinity,
): string {
  let shown = weights;
  if (weights.length > maxTerms) {
    const largest = weights
      .map((_, i) => i)
      .sort((a, b) => Math.abs(weights[b][1]) - Math.abs(weights[a][1]) || a - b)
      .slice(0, maxTerms);
    const kept = new Set(largest);
    shown = weights.filter((_, i) => kept.has(i));
  }
  let text = format(bias);
  for (const [name, weight] of shown)
    text += `${weight < 0 ? ' − ' : ' + '}${format(Math.abs(weight))}·${name}`;
  const left = weights.length - shown.length;
  if (left > 0) text += ` + … (${left} smaller term${left === 1 ? '' : 's'})`;
  return text;
}

/** Terms an equation shows before it summarises the rest (CLI summary, training panel). */
export const EQUATION_TERMS = 12;
