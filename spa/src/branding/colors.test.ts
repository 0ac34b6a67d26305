import { describe, expect, it } from 'vitest';
import { brandVariables, contrast, hexToRgb, isHexColor, mix, onColor, readable, rgbToHex } from './colors';

describe('brand colours', () => {
  it('reads and writes #rrggbb only', () => {
    expect(hexToRgb('#1D4ed8')).toEqual([29, 78, 216]);
    expect(rgbToHex([29, 78, 216])).toBe('#1d4ed8');
    expect(isHexColor('#12345')).toBe(false);
    expect(isHexColor('blue')).toBe(false);
    expect(() => hexToRgb('red')).toThrow();
  });

  it('computes WCAG contrast', () => {
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrast([119, 119, 119], [255, 255, 255])).toBeCloseTo(4.48, 1);
  });

  it('keeps a colour that already reads, and darkens or lightens one that does not', () => {
    expect(readable(hexToRgb('#1d4ed8'), 'light')).toEqual([29, 78, 216]);
    const yellow = hexToRgb('#ffeb3b');
    for (const mode of ['light', 'dark'] as const) {
      const card = mode === 'light' ? [255, 255, 255] : [25, 29, 37];
      const page = mode === 'light' ? [246, 247, 249] : [15, 18, 24];
      for (const c of [yellow, hexToRgb('#1d4ed8'), hexToRgb('#000000'), hexToRgb('#ffffff'), hexToRgb('#7c3aed')]) {
        const x = readable(c, mode);
        expect(contrast(x, card as [number, number, number])).toBeGreaterThanOrEqual(4.5);
        expect(contrast(x, page as [number, number, number])).toBeGreaterThanOrEqual(4.5);
        expect(contrast(x, mix(card as [number, number, number], x, 0.1))).toBeGreaterThanOrEqual(4.5);
        expect(contrast(onColor(x), x)).toBeGreaterThanOrEqual(4.5);
      }
    }
  });

  it('sets the variables index.css reads, for light and dark', () => {
    const v = brandVariables('#7c3aed', '#b45309');
    expect(Object.keys(v).sort()).toEqual(['--brand-accent', '--brand-accent-dark', '--brand-on-primary',
      '--brand-on-primary-dark', '--brand-primary', '--brand-primary-dark']);
    expect(v['--brand-primary']).toBe('124 58 237');
    expect(v['--brand-on-primary']).toBe('255 255 255');
    expect(v['--brand-primary-dark']).toMatch(/^\d+ \d+ \d+$/);
  });
});
