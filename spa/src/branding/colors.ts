// Brand colours as design tokens. An admin picks any #rrggbb; the app must stay readable (WCAG
// AA, 4.5:1 for text), so each colour is darkened for light mode and lightened for dark mode
// just until text in it reads on every surface it is used on (the page, a card, its own 10 %
// tint), and the text on it (buttons) is white or near-black, whichever reads.

export type Rgb = [number, number, number];

const HEX = /^#[0-9a-fA-F]{6}$/;

export const isHexColor = (s: string) => HEX.test(s);

export function hexToRgb(hex: string): Rgb {
  if (!isHexColor(hex)) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as Rgb;
}

export const rgbToHex = (c: Rgb) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/** "r g b", the form the tokens in index.css take (Tailwind adds the alpha). */
export const token = (c: Rgb) => c.join(' ');

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio, 1 to 21. */
export function contrast(a: Rgb, b: Rgb): number {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

/** a with share t of b (0: a, 1: b). */
export const mix = (a: Rgb, b: Rgb, t: number): Rgb => a.map((v, i) => Math.round(v + (b[i] - v) * t)) as Rgb;

// The surfaces of index.css, light and dark.
const SURFACES = {
  light: { page: [246, 247, 249] as Rgb, card: [255, 255, 255] as Rgb },
  dark: { page: [15, 18, 24] as Rgb, card: [25, 29, 37] as Rgb },
};
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [10, 15, 30];
const AA = 4.5;

/** The colour, moved toward black (light mode) or white (dark mode) until text in it reads. */
export function readable(c: Rgb, mode: 'light' | 'dark'): Rgb {
  const { page, card } = SURFACES[mode];
  const toward = mode === 'light' ? ([0, 0, 0] as Rgb) : WHITE;
  for (let step = 0; step <= 20; step++) {
    const x = mix(c, toward, step / 20);
    if ([page, card, mix(card, x, 0.1)].every((s) => contrast(x, s) >= AA)) return x;
  }
  return mode === 'light' ? INK : WHITE;
}

/** White or near-black text, whichever reads better on c. */
export const onColor = (c: Rgb): Rgb => (contrast(WHITE, c) >= contrast(INK, c) ? WHITE : INK);

/** The CSS variables index.css reads for an organisation's colours, in both modes. */
export function brandVariables(primary: string, accent: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const mode of ['light', 'dark'] as const) {
    const suffix = mode === 'dark' ? '-dark' : '';
    const p = readable(hexToRgb(primary), mode);
    vars[`--brand-primary${suffix}`] = token(p);
    vars[`--brand-on-primary${suffix}`] = token(onColor(p));
    vars[`--brand-accent${suffix}`] = token(readable(hexToRgb(accent), mode));
  }
  return vars;
}
