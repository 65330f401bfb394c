// Generates the example CSVs (seeded, so re-running reproduces the committed files byte for byte):
//   npx tsx examples/generate.ts
// - textbook.csv: y = 4 + 3x + N(0, 1), x uniform in [0, 2], 100 rows (the textbook case).
// - housing.csv: a housing-like regression, 2000 rows, numeric and categorical features, a few
//   missing values.
// - purchases.csv: a binary classification (did the visitor buy?), 3000 rows.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SeededRandom } from '../src/core/training/rng';

const here = __dirname;

function textbook(): string {
  const rng = new SeededRandom(42);
  const lines = ['x,y'];
  for (let i = 0; i < 100; i++) {
    const x = 2 * rng.next();
    lines.push(`${x.toFixed(6)},${(4 + 3 * x + rng.normal()).toFixed(6)}`);
  }
  return lines.join('\n') + '\n';
}

function housing(): string {
  const rng = new SeededRandom(7);
  const neighborhoods = ['riverside', 'old town', 'hillcrest', 'harbor', 'airport'];
  const effect = [40, 25, 60, 10, -30];
  const lines = ['area_m2,rooms,age_years,distance_km,neighborhood,has_garden,price_k'];
  const missing = (value: string) => (rng.next() < 0.01 ? '' : value);
  for (let i = 0; i < 2000; i++) {
    const area = 40 + 210 * rng.next() ** 1.5;
    const rooms = Math.max(1, Math.min(7, Math.round(area / 35 + rng.normal() * 0.7)));
    const age = Math.floor(100 * rng.next() ** 2);
    const distance = 0.5 + 29.5 * rng.next();
    const hood = rng.nextInt(neighborhoods.length);
    const garden = rng.next() < 0.4;
    const price = 50 + 2.5 * area + 12 * rooms - 0.8 * age - 3 * distance + effect[hood] + (garden ? 25 : 0) + 20 * rng.normal();
    lines.push(
      [area.toFixed(1), rooms, missing(String(age)), missing(distance.toFixed(2)), neighborhoods[hood], garden, price.toFixed(1)].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

function purchases(): string {
  const rng = new SeededRandom(11);
  const devices = ['desktop', 'mobile', 'tablet'];
  const deviceEffect = [0.4, -0.5, 0];
  const lines = ['age,income_k,visits,time_on_site_min,device,purchased'];
  for (let i = 0; i < 3000; i++) {
    const age = 18 + Math.floor(60 * rng.next());
    const income = Math.max(10, 45 + 20 * rng.normal());
    const visits = Math.floor(-Math.log(1 - rng.next()) * 4);
    const time = Math.max(0.1, 6 + 4 * rng.normal());
    const device = rng.nextInt(devices.length);
    const logit = -4 + 0.02 * (age - 40) + 0.03 * income + 0.25 * visits + 0.15 * time + deviceEffect[device];
    const bought = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    lines.push([age, income.toFixed(1), visits, time.toFixed(2), devices[device], bought].join(','));
  }
  return lines.join('\n') + '\n';
}

writeFileSync(join(here, 'textbook.csv'), textbook());
writeFileSync(join(here, 'housing.csv'), housing());
writeFileSync(join(here, 'purchases.csv'), purchases());
console.log('wrote examples/textbook.csv, housing.csv, purchases.csv');
