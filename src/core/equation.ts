// A linear model as people write it: `y = 4.2 + 2.97·x − 0.5·z` (a minus sign, not "+ -0.5").
export function linearEquation(
  bias: number,
  weights: readonly (readonly [string, number])[],
  format: (value: number) => string,
): string {
  let text = format(bias);
  for (const [name, weight] of weights)
    text += `${weight < 0 ? ' − ' : ' + '}${format(Math.abs(weight))}·${name}`;
  return text;
}
