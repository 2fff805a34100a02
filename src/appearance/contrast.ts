import type { Theme } from './schema.ts';

/*
 * WCAG 2 contrast, so that a brand colour never makes the widget unreadable: text on the accent
 * is black or white, whichever contrasts more (always at least 4.58:1), and the accent is drawn on
 * the panel's background only where it reaches the ratio that use needs.
 */

/** The panel's background and text colours per theme. */
export const THEME_COLOURS: Readonly<Record<Theme, { readonly background: string; readonly text: string }>> = {
  light: { background: '#ffffff', text: '#1f2328' },
  dark: { background: '#161b22', text: '#e6edf3' },
};

/** Text (WCAG 1.4.3, AA) and controls' outlines (1.4.11). */
export const TEXT_CONTRAST = 4.5;
export const CONTROL_CONTRAST = 3;

const channel = (hex: string, at: number): number => {
  const c = parseInt(hex.slice(at, at + 2), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** Relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Text drawn on the accent (the header, the visitor's bubbles, the send button). */
export function textOn(accent: string): '#000000' | '#ffffff' {
  return contrast(accent, '#ffffff') >= contrast(accent, '#000000') ? '#ffffff' : '#000000';
}

/** The accent as text on the panel (links, option buttons), or the theme's text colour when it would not be legible there. */
export function accentOn(accent: string, theme: Theme): string {
  const { background, text } = THEME_COLOURS[theme];
  return contrast(accent, background) >= TEXT_CONTRAST ? accent : text;
}

/** A ratio as people write it: 4.5:1. */
export const ratioText = (ratio: number): string => `${(Math.floor(ratio * 10) / 10).toFixed(1)}:1`;
